<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HealthIndicator</name>
    <message>
        <source>Health: not checked</source>
        <translation>健康检测：尚未检测</translation>
    </message>
    <message>
        <source>Health: %1 (%2)</source>
        <translation>健康检测：%1（%2）</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <source>Health</source>
        <translation>健康检测</translation>
    </message>
    <message>
        <source>Run full health check</source>
        <translation>运行完整健康检测</translation>
    </message>
    <message>
        <source>No health check has run yet.</source>
        <translation>尚未运行健康检测。</translation>
    </message>
    <message numerus="yes">
        <source>Last check at %1: %n problem(s).</source>
        <translation>
            <numerusform>上次检测 %1：发现 %n 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>Last check at %1: all good.</source>
        <translation>上次检测 %1：一切正常。</translation>
    </message>
</context>
<context>
    <name>HealthTexts</name>
    <message>
        <source>The company VPN was not found. Connect the VPN, then run the check again.</source>
        <translation>未检测到公司 VPN。请先连接 VPN，再重新检测。</translation>
    </message>
    <message>
        <source>The VPN adapter is present but not connected. Reconnect the VPN.</source>
        <translation>VPN 网卡存在但未连接。请重新连接 VPN。</translation>
    </message>
    <message>
        <source>Traffic to the phone server does not go through the VPN. Reconnect the VPN; if it persists, ask IT about the split-tunnel settings.</source>
        <translation>到话务服务器的流量没有经过 VPN。请重新连接 VPN；如仍有问题，请联系 IT 检查分流设置。</translation>
    </message>
    <message>
        <source>Traffic to the AgentDesk server does not go through the VPN. Reconnect the VPN; if it persists, contact IT.</source>
        <translation>到 AgentDesk 服务器的流量没有经过 VPN。请重新连接 VPN；如仍有问题，请联系 IT。</translation>
    </message>
    <message>
        <source>There is no network route to this server. Check the network and the VPN.</source>
        <translation>没有到该服务器的网络路由。请检查网络和 VPN 连接。</translation>
    </message>
    <message>
        <source>A server name could not be resolved. Check that the VPN is connected; if it persists, contact IT.</source>
        <translation>服务器域名无法解析。请确认 VPN 已连接；如仍失败，请联系 IT。</translation>
    </message>
    <message>
        <source>Name resolution is slow, which can delay sign-in and calls.</source>
        <translation>域名解析较慢，可能影响签入和呼叫建立。</translation>
    </message>
    <message>
        <source>Cannot connect to the AgentDesk server. Check the network and the VPN; if it persists, contact IT.</source>
        <translation>无法连接 AgentDesk 服务器。请检查网络和 VPN；如仍失败，请联系 IT。</translation>
    </message>
    <message>
        <source>The secure (TLS) connection to the server failed. Contact IT.</source>
        <translation>与服务器的安全连接（TLS）建立失败。请联系 IT。</translation>
    </message>
    <message>
        <source>The server certificate is not trusted. Do not continue; contact IT.</source>
        <translation>服务器证书不受信任。请勿继续，并联系 IT。</translation>
    </message>
    <message>
        <source>The server certificate has expired (or this computer&apos;s clock is wrong). Check the clock and contact IT.</source>
        <translation>服务器证书已过期（或电脑时间不正确）。请检查系统时间，并联系 IT。</translation>
    </message>
    <message>
        <source>The server certificate expires soon. Tell IT to renew it.</source>
        <translation>服务器证书即将过期。请通知 IT 及时续期。</translation>
    </message>
    <message>
        <source>The server certificate does not match the server address. Do not continue; contact IT.</source>
        <translation>服务器证书与服务器地址不符。请勿继续，并联系 IT。</translation>
    </message>
    <message>
        <source>The AgentDesk server reports a problem. Try again later or contact IT.</source>
        <translation>AgentDesk 服务器报告异常。请稍后重试，或联系 IT。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock differs from the server&apos;s. Turn on automatic time synchronisation.</source>
        <translation>电脑时间与服务器相差过大。请开启系统的自动校时。</translation>
    </message>
    <message>
        <source>The phone server does not answer: calls will not work. Check the VPN; if it persists, contact IT.</source>
        <translation>话务服务器无响应，无法接打电话。请检查 VPN；如仍失败，请联系 IT。</translation>
    </message>
    <message>
        <source>The network is losing packets, so calls will break up. Use a wired connection and pause downloads and video.</source>
        <translation>网络丢包较多，通话会断断续续。请使用有线网络，并暂停下载和视频。</translation>
    </message>
    <message>
        <source>Network delay is high, so calls will lag. Use a wired connection.</source>
        <translation>网络延迟较高，通话会有明显延迟。请使用有线网络。</translation>
    </message>
    <message>
        <source>Network jitter is high, so calls may be unsteady. Use a wired connection and pause programs that use the network.</source>
        <translation>网络抖动较大，通话可能不稳定。请使用有线网络，并暂停占用网络的程序。</translation>
    </message>
    <message>
        <source>Call quality is expected to be poor. Improve the network, then check again.</source>
        <translation>预计通话质量较差。请改善网络后重新检测。</translation>
    </message>
    <message>
        <source>The path MTU to the phone server is small, so SIP over UDP may be lost. Ask IT to switch SIP to TCP or TLS.</source>
        <translation>到话务服务器的路径 MTU 较小，UDP 信令可能丢失。请 IT 将 SIP 改用 TCP 或 TLS。</translation>
    </message>
    <message>
        <source>The path MTU to the phone server is small. If calls fail to set up, contact IT.</source>
        <translation>到话务服务器的路径 MTU 较小。如遇呼叫建立失败，请联系 IT。</translation>
    </message>
    <message>
        <source>Not enough bandwidth. Pause downloads and video, or use a wired connection.</source>
        <translation>可用带宽不足。请暂停下载和视频，或改用有线网络。</translation>
    </message>
    <message>
        <source>The approved headset was not found. Plug it in (for a USB headset, try another port).</source>
        <translation>未检测到公司指定的耳机。请插好耳机（USB 耳机可换一个接口试试）。</translation>
    </message>
    <message>
        <source>The microphone picks up no sound. Check the headset&apos;s mute switch, the plug and the system&apos;s microphone permission.</source>
        <translation>麦克风没有声音。请检查耳机上的静音键、插头，以及系统的麦克风权限。</translation>
    </message>
    <message>
        <source>The microphone sends a constant signal and may be faulty. Swap the headset or contact IT.</source>
        <translation>麦克风输出为固定信号，可能已损坏。请更换耳机或联系 IT。</translation>
    </message>
    <message>
        <source>The microphone level is very low. Raise the input volume.</source>
        <translation>麦克风音量很低。请调高输入音量。</translation>
    </message>
    <message>
        <source>The test tone was not heard. Check the headset plug, the volume and the output device.</source>
        <translation>没有听到测试音。请检查耳机插头、音量和输出设备。</translation>
    </message>
    <message>
        <source>The speaker test was not confirmed.</source>
        <translation>未确认听筒测试。</translation>
    </message>
    <message>
        <source>The audio system is not available. Restart the computer; if it persists, contact IT.</source>
        <translation>无法访问音频系统。请重启电脑；如仍失败，请联系 IT。</translation>
    </message>
    <message>
        <source>The CPU is very busy, so calls may stutter. Close programs you do not need.</source>
        <translation>CPU 占用过高，通话可能卡顿。请关闭不需要的程序。</translation>
    </message>
    <message>
        <source>Free memory is low. Close programs you do not need.</source>
        <translation>可用内存不足。请关闭不需要的程序。</translation>
    </message>
    <message>
        <source>Disk space is low. Free some space or contact IT.</source>
        <translation>磁盘空间不足。请清理文件或联系 IT。</translation>
    </message>
    <message>
        <source>The computer is running on battery. Plug in the charger.</source>
        <translation>电脑正在使用电池供电。请接上电源适配器。</translation>
    </message>
    <message>
        <source>The battery is low and not charging. Plug in the charger now.</source>
        <translation>电池电量低且未充电。请立即接上电源适配器。</translation>
    </message>
    <message>
        <source>You are on Wi-Fi. A wired connection gives steadier calls.</source>
        <translation>正在使用 Wi-Fi。改用有线网络，通话更稳定。</translation>
    </message>
    <message>
        <source>The Wi-Fi signal is weak. Move closer to the router or use a cable.</source>
        <translation>Wi-Fi 信号弱。请靠近路由器或改用网线。</translation>
    </message>
    <message>
        <source>This check is not configured at this site.</source>
        <translation>本站点未配置此项检测。</translation>
    </message>
    <message>
        <source>This check is not available on this system.</source>
        <translation>此项检测在本系统上不可用。</translation>
    </message>
    <message>
        <source>The check could not run (see the technical details).</source>
        <translation>检测未能完成（详见技术信息）。</translation>
    </message>
    <message>
        <source>VPN connection</source>
        <translation>VPN 连接</translation>
    </message>
    <message>
        <source>Phone server via VPN</source>
        <translation>话务服务器走 VPN</translation>
    </message>
    <message>
        <source>AgentDesk server via VPN</source>
        <translation>AgentDesk 服务器走 VPN</translation>
    </message>
    <message>
        <source>Name resolution (DNS)</source>
        <translation>域名解析（DNS）</translation>
    </message>
    <message>
        <source>Server connection</source>
        <translation>服务器连接</translation>
    </message>
    <message>
        <source>Secure connection (TLS)</source>
        <translation>安全连接（TLS）</translation>
    </message>
    <message>
        <source>Server certificate validity</source>
        <translation>服务器证书有效期</translation>
    </message>
    <message>
        <source>Server health</source>
        <translation>服务器状态</translation>
    </message>
    <message>
        <source>Clock difference</source>
        <translation>时钟偏差</translation>
    </message>
    <message>
        <source>Voice path (delay/jitter/loss)</source>
        <translation>话务链路（延迟/抖动/丢包）</translation>
    </message>
    <message>
        <source>Expected call quality (MOS)</source>
        <translation>预计通话质量（MOS）</translation>
    </message>
    <message>
        <source>Path MTU</source>
        <translation>路径 MTU</translation>
    </message>
    <message>
        <source>Download bandwidth</source>
        <translation>下行带宽</translation>
    </message>
    <message>
        <source>Upload bandwidth</source>
        <translation>上行带宽</translation>
    </message>
    <message>
        <source>Headset</source>
        <translation>耳机</translation>
    </message>
    <message>
        <source>Microphone test</source>
        <translation>麦克风测试</translation>
    </message>
    <message>
        <source>Speaker test</source>
        <translation>听筒测试</translation>
    </message>
    <message>
        <source>CPU load</source>
        <translation>CPU 负载</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>可用内存</translation>
    </message>
    <message>
        <source>Disk space</source>
        <translation>磁盘空间</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>电源</translation>
    </message>
    <message>
        <source>Network type</source>
        <translation>网络类型</translation>
    </message>
    <message>
        <source>OS and app version</source>
        <translation>系统与软件版本</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>excellent</source>
        <translation>优</translation>
    </message>
    <message>
        <source>good</source>
        <translation>良</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>中</translation>
    </message>
    <message>
        <source>poor</source>
        <translation>差</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>PreShiftGateDialog</name>
    <message>
        <source>Health check</source>
        <extracomment>The full run: (progress callback, cancel event, speaker confirmation) → report. ``HealthService.run_full``.</extracomment>
        <translation>健康检测</translation>
    </message>
    <message>
        <source>AgentDesk checks the VPN, the network path to the phone server, your headset and this computer.</source>
        <translation>AgentDesk 正在检测 VPN、到话务服务器的网络链路、您的耳机和这台电脑。</translation>
    </message>
    <message>
        <source>Checking the VPN, the voice path, your headset and this computer.</source>
        <translation>正在检测 VPN、话务链路、耳机和这台电脑。</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检测项</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>测量值</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>A test tone is playing in your headset. Did you hear it?</source>
        <translation>耳机中正在播放测试音，您听到了吗？</translation>
    </message>
    <message>
        <source>Yes, I heard it</source>
        <translation>听到了</translation>
    </message>
    <message>
        <source>No</source>
        <translation>没听到</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检测</translation>
    </message>
    <message>
        <source>Continue to sign-in</source>
        <translation>继续签入</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Checking: %1</source>
        <translation>正在检测：%1</translation>
    </message>
    <message>
        <source>Finished in %1 s</source>
        <translation>检测完成，用时 %1 秒</translation>
    </message>
    <message>
        <source>The health check could not run.</source>
        <translation>健康检测未能运行。</translation>
    </message>
    <message>
        <source>Sign-in is blocked until these are fixed: %1</source>
        <translation>以下问题解决之前无法签入：%1</translation>
    </message>
    <message>
        <source>Some checks failed. Follow the advice above.</source>
        <translation>部分检测未通过，请按上方建议处理。</translation>
    </message>
    <message>
        <source>You can sign in, but some checks warn. Follow the advice above.</source>
        <translation>可以签入，但部分检测有警告，请按上方建议处理。</translation>
    </message>
    <message>
        <source>Everything is ready for your shift.</source>
        <translation>一切就绪，可以开始上班。</translation>
    </message>
</context>
<context>
    <name>VpnBanner</name>
    <message>
        <source>Check again</source>
        <translation>重新检测</translation>
    </message>
    <message>
        <source>VPN connection lost: calls and tickets will not work until it is back. Reconnect the VPN.</source>
        <translation>VPN 连接已断开：恢复之前无法接打电话和处理工单。请重新连接 VPN。</translation>
    </message>
    <message>
        <source>VPN connection restored.</source>
        <translation>VPN 连接已恢复。</translation>
    </message>
</context>
</TS>
