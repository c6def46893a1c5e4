<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CommandAuditModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>班长</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Agent was</source>
        <translation>当时状态</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>备注：%1</translation>
    </message>
    <message>
        <source>Waiting for the call to end</source>
        <translation>等待通话结束</translation>
    </message>
    <message>
        <source>Applied after the call at %1</source>
        <translation>通话结束后于 %1 生效</translation>
    </message>
    <message>
        <source>Applied at once</source>
        <translation>立即生效</translation>
    </message>
    <message>
        <source>the hub</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Replaced at %1 by %2</source>
        <translation>%1 被%2取代</translation>
    </message>
    <message>
        <source>the agent</source>
        <translation>坐席本人</translation>
    </message>
</context>
<context>
    <name>MetricsChart</name>
    <message>
        <source>No data for this period</source>
        <translation>该时段没有数据</translation>
    </message>
</context>
<context>
    <name>MetricsTableModel</name>
    <message>
        <source>Agent</source>
        <extracomment>States shown in the metrics (signed out is not working time).</extracomment>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Calls offered</source>
        <translation>分配来电</translation>
    </message>
    <message>
        <source>Calls handled</source>
        <translation>接听来电</translation>
    </message>
    <message>
        <source>Missed calls</source>
        <translation>未接来电</translation>
    </message>
    <message>
        <source>Answer rate</source>
        <translation>接通率</translation>
    </message>
    <message>
        <source>Average handle time</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <source>Team total</source>
        <translation>班组合计</translation>
    </message>
</context>
<context>
    <name>SupervisorPanel</name>
    <message>
        <source>All agents</source>
        <translation>全部坐席</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>已签入</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Health problems</source>
        <translation>健康检查异常</translation>
    </message>
    <message>
        <source>Search agent</source>
        <translation>搜索坐席</translation>
    </message>
    <message>
        <source>Force ready</source>
        <translation>强制示闲</translation>
    </message>
    <message>
        <source>Force not ready</source>
        <translation>强制示忙</translation>
    </message>
    <message>
        <source>Sign out agent</source>
        <translation>强制签出</translation>
    </message>
    <message>
        <source>Message to the whole team</source>
        <translation>发给全班组的通知</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>The message disappears from the agents&apos; screens after this time</source>
        <translation>超过该时间后，通知将从坐席屏幕上消失</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>群发通知</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Last 8 hours</source>
        <translation>最近 8 小时</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Team board</source>
        <translation>班组实时看板</translation>
    </message>
    <message>
        <source>Shift metrics</source>
        <translation>班次指标</translation>
    </message>
    <message>
        <source>Command log</source>
        <translation>操作记录</translation>
    </message>
    <message>
        <source>Supervisor (no reason)</source>
        <translation>班长设置（不指定原因）</translation>
    </message>
    <message>
        <source>%1 is on a call. Set %2 for when the call ends?</source>
        <translation>%1 正在通话中。是否在通话结束后将其设为 %2？</translation>
    </message>
    <message>
        <source>Change %1 to %2 now? The agent will see that you made this change.</source>
        <translation>是否立即将 %1 设为 %2？坐席会看到是您做的修改。</translation>
    </message>
    <message>
        <source>Change agent state</source>
        <translation>修改坐席状态</translation>
    </message>
    <message>
        <source>Write a message first.</source>
        <translation>请先输入通知内容。</translation>
    </message>
    <message>
        <source>%1 will be set to %2 when the call ends.</source>
        <translation>%1 将在通话结束后设为 %2。</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 现在是 %2。</translation>
    </message>
    <message>
        <source>Could not change %1: %2</source>
        <translation>无法修改 %1 的状态：%2</translation>
    </message>
    <message>
        <source>Message sent to the team.</source>
        <translation>通知已发送给班组。</translation>
    </message>
    <message>
        <source>The message was not sent: %1</source>
        <translation>通知未发送：%1</translation>
    </message>
    <message>
        <source>Could not load the command log: %1</source>
        <translation>无法加载操作记录：%1</translation>
    </message>
    <message>
        <source>Could not load the metrics: %1</source>
        <translation>无法加载指标：%1</translation>
    </message>
</context>
<context>
    <name>TeamBoardModel</name>
    <message>
        <source>Agent</source>
        <extracomment>Raw sort value of each row (UserRole): seconds for the clocks, the MOS, names for text columns.</extracomment>
        <translation>坐席</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation>状态时长</translation>
    </message>
    <message>
        <source>Call duration</source>
        <translation>通话时长</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康检查</translation>
    </message>
    <message>
        <source>MOS</source>
        <translation>MOS</translation>
    </message>
    <message>
        <source>Last change by %1</source>
        <translation>最近由 %1 修改</translation>
    </message>
    <message>
        <source>Offline: no heartbeat from this agent&apos;s computer</source>
        <translation>离线：未收到该坐席电脑的心跳</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1（离线）</translation>
    </message>
    <message>
        <source>%1 → %2…</source>
        <translation>%1 → %2…</translation>
    </message>
    <message>
        <source>%1 (next: %2)</source>
        <translation>%1（下一状态：%2）</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
</TS>
