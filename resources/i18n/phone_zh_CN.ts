<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HistoryModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>号码</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>MOS</source>
        <translation>MOS</translation>
    </message>
    <message>
        <source>In</source>
        <translation>呼入</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>呼出</translation>
    </message>
    <message>
        <source>Worst MOS during the call: %1</source>
        <translation>通话中最低 MOS：%1</translation>
    </message>
</context>
<context>
    <name>IncomingCallToast</name>
    <message>
        <source>Call waiting</source>
        <translation>呼叫等待</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>接听</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒接</translation>
    </message>
</context>
<context>
    <name>PhoneController</name>
    <message>
        <source>Call waiting</source>
        <translation>呼叫等待</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>未接来电</translation>
    </message>
    <message>
        <source>The transfer failed (%1).</source>
        <translation>转接失败（%1）。</translation>
    </message>
</context>
<context>
    <name>PhonePanel</name>
    <message>
        <source>Number or extension</source>
        <translation>号码或分机</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>呼叫</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>重拨</translation>
    </message>
    <message>
        <source>Current call</source>
        <translation>当前通话</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>接听</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒接</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>挂断</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>转接</translation>
    </message>
    <message>
        <source>Conference</source>
        <translation>三方通话</translation>
    </message>
    <message>
        <source>Answer (Ctrl+Shift+A)</source>
        <translation>接听 (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Hang up (Ctrl+Shift+H)</source>
        <translation>挂断 (Ctrl+Shift+H)</translation>
    </message>
    <message>
        <source>Mute the microphone (Ctrl+Shift+M)</source>
        <translation>麦克风静音 (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Hold (Ctrl+Shift+P)</source>
        <translation>保持 (Ctrl+Shift+P)</translation>
    </message>
    <message numerus="yes">
        <source>Recent calls (%n missed)</source>
        <translation>
            <numerusform>最近通话（%n 个未接）</numerusform>
        </translation>
    </message>
    <message>
        <source>Recent calls</source>
        <translation>最近通话</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>保持</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>取消静音</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>无通话</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>保持中</translation>
    </message>
    <message>
        <source>Held by the other party</source>
        <translation>对方已保持</translation>
    </message>
    <message>
        <source>answering automatically</source>
        <translation>即将自动接听</translation>
    </message>
    <message>
        <source>Quality: measuring</source>
        <translation>质量：测量中</translation>
    </message>
    <message>
        <source>Quality: %1</source>
        <translation>质量：%1</translation>
    </message>
</context>
<context>
    <name>PhoneTexts</name>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Sign-in refused: wrong password</source>
        <translation>登录被拒：密码错误</translation>
    </message>
    <message>
        <source>Sign-in refused: unknown extension</source>
        <translation>登录被拒：分机不存在</translation>
    </message>
    <message>
        <source>Phone server unreachable</source>
        <translation>无法连接话务服务器</translation>
    </message>
    <message>
        <source>Phone server certificate not trusted</source>
        <translation>话务服务器证书不受信任</translation>
    </message>
    <message>
        <source>Phone server does not answer</source>
        <translation>话务服务器无响应</translation>
    </message>
    <message>
        <source>Phone server refused the sign-in</source>
        <translation>话务服务器拒绝了登录</translation>
    </message>
    <message>
        <source>Phone sign-in failed</source>
        <translation>话机登录失败</translation>
    </message>
    <message>
        <source>Calling…</source>
        <translation>正在呼叫…</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Ringing…</source>
        <translation>对方振铃中…</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation>通话已结束</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已接听</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>未接</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒接</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>对方忙</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已转接</translation>
    </message>
    <message>
        <source>High delay</source>
        <translation>延迟过高</translation>
    </message>
    <message>
        <source>Unstable network (jitter)</source>
        <translation>网络不稳定（抖动）</translation>
    </message>
    <message>
        <source>Packet loss</source>
        <translation>丢包</translation>
    </message>
    <message>
        <source>Poor voice quality</source>
        <translation>语音质量差</translation>
    </message>
    <message>
        <source>The phone is not started.</source>
        <translation>话机未启动。</translation>
    </message>
    <message>
        <source>The phone could not start.</source>
        <translation>话机无法启动。</translation>
    </message>
    <message>
        <source>The phone is not signed in.</source>
        <translation>话机未登录。</translation>
    </message>
    <message>
        <source>The phone settings are incomplete.</source>
        <translation>话机设置不完整。</translation>
    </message>
    <message>
        <source>That is not a number that can be dialled.</source>
        <translation>该号码无法拨打。</translation>
    </message>
    <message>
        <source>That call has already ended.</source>
        <translation>该通话已结束。</translation>
    </message>
    <message>
        <source>Not possible in the call&apos;s current state.</source>
        <translation>当前通话状态下无法执行此操作。</translation>
    </message>
    <message>
        <source>Too many calls at once.</source>
        <translation>同时通话过多。</translation>
    </message>
    <message>
        <source>No number to redial yet.</source>
        <translation>暂无可重拨的号码。</translation>
    </message>
    <message>
        <source>The phone could not do that.</source>
        <translation>话机无法执行该操作。</translation>
    </message>
    <message>
        <source>The phone is shutting down.</source>
        <translation>话机正在关闭。</translation>
    </message>
</context>
<context>
    <name>QualityDialog</name>
    <message>
        <source>Call quality</source>
        <translation>通话质量</translation>
    </message>
    <message>
        <source>MOS (1–5)</source>
        <translation>MOS 评分 (1–5)</translation>
    </message>
    <message>
        <source>R factor</source>
        <translation>R 值</translation>
    </message>
    <message>
        <source>Round-trip time</source>
        <translation>往返时延</translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation>抖动</translation>
    </message>
    <message>
        <source>Packet loss</source>
        <translation>丢包</translation>
    </message>
    <message>
        <source>Jitter buffer delay</source>
        <translation>抖动缓冲延迟</translation>
    </message>
    <message>
        <source>No measurement yet (the first one comes 5 seconds into the call).</source>
        <translation>暂无测量数据（通话 5 秒后开始第一次测量）。</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>No problems detected.</source>
        <translation>未发现问题。</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer call</source>
        <translation>转接通话</translation>
    </message>
    <message>
        <source>Transfer to (extension or number):</source>
        <translation>转接到（分机或号码）：</translation>
    </message>
    <message>
        <source>Transfer now</source>
        <translation>直接转接</translation>
    </message>
    <message>
        <source>Consult first</source>
        <translation>先咨询</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
