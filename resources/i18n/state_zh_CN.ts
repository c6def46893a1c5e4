<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QuitGuard</name>
    <message>
        <source>You are on a call. End the call before quitting AgentDesk, so the customer is not cut off.</source>
        <translation>您正在通话中。请先结束通话再退出 AgentDesk，以免中断客户来电。</translation>
    </message>
    <message>
        <source>AgentDesk cannot reach the hub, so it cannot sign you out now. The hub signs you out by itself after you have been offline for a while. Quit anyway?</source>
        <translation>AgentDesk 无法连接服务器，现在无法为您签出。离线一段时间后，服务器会自动为您签出。仍要退出吗？</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>You are signed in. Sign out and quit AgentDesk? You will receive no more queue calls.</source>
        <translation>您当前已签入。要签出并退出 AgentDesk 吗？签出后将不再接到队列来电。</translation>
    </message>
    <message>
        <source>Sign out and quit</source>
        <translation>签出并退出</translation>
    </message>
    <message>
        <source>Quit AgentDesk</source>
        <translation>退出 AgentDesk</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>正在签出…</translation>
    </message>
</context>
<context>
    <name>StateArea</name>
    <message>
        <source>%1 — AgentDesk</source>
        <extracomment>How long shutdown waits for the hub to confirm the sign-out of an agent still signed in.</extracomment>
        <translation>%1 — AgentDesk 坐席工作台</translation>
    </message>
</context>
<context>
    <name>StateBar</name>
    <message>
        <source>Time in this state</source>
        <extracomment>Hotkeys (window-wide). Alt+digit stays clear of the phone panel&apos;s Ctrl shortcuts and of F-keys the OS takes.</extracomment>
        <translation>当前状态持续时间</translation>
    </message>
    <message>
        <source>What to do after this call</source>
        <translation>本次通话结束后的状态</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>示闲</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>签入</translation>
    </message>
    <message>
        <source>End wrap-up</source>
        <translation>结束话后整理</translation>
    </message>
    <message>
        <source>Extend wrap-up</source>
        <translation>延长话后整理</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>小休</translation>
    </message>
    <message>
        <source>Message from %1: %2</source>
        <translation>%1 的通知：%2</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Set by %1</source>
        <translation>由 %1 设置</translation>
    </message>
    <message>
        <source>After this call: %1…</source>
        <translation>通话结束后：%1…</translation>
    </message>
    <message>
        <source>Switching to %1…</source>
        <translation>正在切换为 %1…</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>下一状态：%1</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>签出</translation>
    </message>
    <message>
        <source>Session ended</source>
        <translation>会话已结束</translation>
    </message>
    <message>
        <source>Offline — reconnecting</source>
        <translation>离线——正在重连</translation>
    </message>
    <message>
        <source>Next state…</source>
        <translation>下一状态…</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Wrap-up left: %1</source>
        <translation>话后整理剩余 %1</translation>
    </message>
</context>
<context>
    <name>StateNames</name>
    <message>
        <source>Break</source>
        <extracomment>One colour per state (and per not-ready category): what agents and supervisors learn to read at a glance.</extracomment>
        <translation>小休</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>签出</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>示闲</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>振铃</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>话后整理</translation>
    </message>
    <message>
        <source>Just signed in</source>
        <translation>刚签入</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>未接来电</translation>
    </message>
    <message>
        <source>Set by supervisor</source>
        <translation>班长设置</translation>
    </message>
    <message>
        <source>Offline too long</source>
        <translation>离线超时</translation>
    </message>
    <message>
        <source>Signed in elsewhere</source>
        <translation>已在别处签入</translation>
    </message>
    <message>
        <source>Device problem</source>
        <translation>设备异常</translation>
    </message>
    <message>
        <source>Account disabled</source>
        <translation>账号已停用</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>That change is not possible in the current state.</source>
        <translation>当前状态下不能进行此切换。</translation>
    </message>
    <message>
        <source>You are not allowed to make that change.</source>
        <translation>您无权进行此操作。</translation>
    </message>
    <message>
        <source>Choose a reason.</source>
        <translation>请选择原因。</translation>
    </message>
    <message>
        <source>That reason is not available for your team.</source>
        <translation>您所在班组没有这个原因。</translation>
    </message>
    <message>
        <source>Wrap-up cannot be extended any more.</source>
        <translation>话后整理已不能再延长。</translation>
    </message>
    <message>
        <source>Wrap-up is not over yet.</source>
        <translation>话后整理时间未到。</translation>
    </message>
    <message>
        <source>That call is no longer current.</source>
        <translation>该通话已不是当前通话。</translation>
    </message>
    <message>
        <source>Not allowed: this agent is not in your team.</source>
        <translation>无权操作：该坐席不在您的班组。</translation>
    </message>
    <message>
        <source>Your state was changed at the same moment by someone else.</source>
        <translation>您的状态同时被他人修改了。</translation>
    </message>
    <message>
        <source>The hub did not answer in time.</source>
        <translation>服务器未及时响应。</translation>
    </message>
    <message>
        <source>Not connected to the hub.</source>
        <translation>未连接到服务器。</translation>
    </message>
    <message>
        <source>Your state changed before the request could be sent.</source>
        <translation>请求发出前您的状态已发生变化。</translation>
    </message>
    <message>
        <source>The hub refused the change.</source>
        <translation>服务器拒绝了此次切换。</translation>
    </message>
    <message>
        <source>The change failed.</source>
        <translation>切换失败。</translation>
    </message>
    <message>
        <source>Could not change to %1: %2</source>
        <translation>无法切换为 %1：%2</translation>
    </message>
    <message>
        <source>a supervisor</source>
        <translation>班长</translation>
    </message>
    <message>
        <source>%1 set your next state to %2 (after this call).</source>
        <translation>%1 已将您的下一状态设为 %2（本次通话结束后生效）。</translation>
    </message>
    <message>
        <source>%1 changed your state to %2.</source>
        <translation>%1 已将您的状态改为 %2。</translation>
    </message>
    <message>
        <source>You were signed out: no connection to the hub for too long.</source>
        <translation>与服务器断开时间过长，您已被签出。</translation>
    </message>
    <message>
        <source>You were signed out because your account signed in on another computer.</source>
        <translation>您的账号已在另一台电脑签入，本机已签出。</translation>
    </message>
    <message>
        <source>Missed call: you are now Not ready. Choose Ready to take calls again.</source>
        <translation>有未接来电，您已转为示忙。点击“示闲”即可继续接听。</translation>
    </message>
    <message>
        <source>A queue call was passed to another agent because you are not ready.</source>
        <translation>您当前未示闲，队列来电已转给其他坐席。</translation>
    </message>
    <message>
        <source>Auto-answer is off: no headset is connected.</source>
        <translation>未检测到耳机，自动应答已关闭。</translation>
    </message>
    <message>
        <source>Connection to the hub lost. You stay signed in; reconnecting…</source>
        <translation>与服务器的连接已断开。您仍保持签入，正在重连…</translation>
    </message>
    <message>
        <source>Connection to the hub restored.</source>
        <translation>已恢复与服务器的连接。</translation>
    </message>
</context>
</TS>
