<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AboutDialog</name>
        <message>
            <source>About AgentDesk</source>
            <translation>关于 AgentDesk</translation>
        </message>
        <message>
            <source>AgentDesk
Softphone, agent state, tickets and knowledge base for contact-center agents working from home.</source>
            <translation>AgentDesk 坐席工作台
为居家客服坐席提供软电话、坐席状态、工单和知识库。</translation>
        </message>
        <message>
            <source>Copy versions</source>
            <translation>复制版本信息</translation>
        </message>
    </context>
    <context>
        <name>Application</name>
        <message>
            <source>Some settings could not be read and their defaults are used. Details are in the log.</source>
            <translation>部分设置无法读取，已改用默认值。详情请查看日志。</translation>
        </message>
        <message>
            <source>Diagnostics copied to the clipboard.</source>
            <translation>诊断信息已复制到剪贴板。</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <source>Copied</source>
            <translation>已复制</translation>
        </message>
        <message>
            <source>AgentDesk problem report</source>
            <translation>AgentDesk 问题报告</translation>
        </message>
        <message>
            <source>AgentDesk stopped unexpectedly last time. If it happens again, copy the diagnostics and send them to IT support.</source>
            <translation>AgentDesk 上次意外退出。如再次发生，请复制诊断信息并发送给 IT 支持。</translation>
        </message>
        <message>
            <source>An internal error occurred. AgentDesk keeps running, but something may not work as expected. Copy the diagnostics and send them to IT support.</source>
            <translation>发生内部错误。AgentDesk 仍在运行，但部分功能可能异常。请复制诊断信息并发送给 IT 支持。</translation>
        </message>
        <message numerus="yes">
            <source>%n error(s) so far.</source>
            <translation>
                <numerusform>目前共 %n 个错误。</numerusform>
            </translation>
        </message>
        <message>
            <source>Copy diagnostics</source>
            <translation>复制诊断信息</translation>
        </message>
    </context>
    <context>
        <name>EmptyPanel</name>
        <message>
            <source>Loading…</source>
            <translation>正在加载…</translation>
        </message>
        <message>
            <source>Agent state</source>
            <translation>坐席状态</translation>
        </message>
        <message>
            <source>Sign in to set your state.</source>
            <translation>签入后即可设置坐席状态。</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>The softphone is not set up.</source>
            <translation>软电话尚未配置。</translation>
        </message>
        <message>
            <source>Health check</source>
            <translation>健康检查</translation>
        </message>
        <message>
            <source>VPN and device checks are not set up.</source>
            <translation>VPN 与设备检查尚未配置。</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>工单</translation>
        </message>
        <message>
            <source>Tickets appear here after you sign in.</source>
            <translation>签入后在此显示工单。</translation>
        </message>
        <message>
            <source>Knowledge base</source>
            <translation>知识库</translation>
        </message>
        <message>
            <source>Knowledge search is available after you sign in.</source>
            <translation>签入后即可搜索知识库。</translation>
        </message>
    </context>
    <context>
        <name>GeneralPage</name>
        <message>
            <source>General</source>
            <translation>常规</translation>
        </message>
        <message>
            <source>Language:</source>
            <translation>界面语言：</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <source>Keep running in the tray when the window is closed</source>
            <translation>关闭窗口后在系统托盘中继续运行</translation>
        </message>
        <message>
            <source>Start minimized to the tray</source>
            <translation>启动时最小化到系统托盘</translation>
        </message>
        <message>
            <source>Show desktop notifications</source>
            <translation>显示桌面通知</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>此项由 IT 部门统一设置</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>Wrong user name or password.</source>
            <translation>用户名或密码错误。</translation>
        </message>
        <message>
            <source>Cannot reach the hub. Check your network and VPN connection, then try again.</source>
            <translation>无法连接服务端。请检查网络和 VPN 连接后重试。</translation>
        </message>
        <message>
            <source>The hub's certificate is not trusted. Ask IT to check the hub address and CA file.</source>
            <translation>服务端证书不受信任。请联系 IT 核对服务端地址和 CA 证书文件。</translation>
        </message>
        <message>
            <source>The hub reported an error. Try again later or contact IT.</source>
            <translation>服务端返回错误。请稍后重试或联系 IT。</translation>
        </message>
        <message>
            <source>This installation has no hub connection.</source>
            <translation>当前安装未配置服务端连接。</translation>
        </message>
        <message>
            <source>Enter your user name and password; the hub address must start with https://.</source>
            <translation>请输入用户名和密码；服务端地址须以 https:// 开头。</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: no system keyring is available on this computer.</source>
            <translation>无法记住密码：本机没有可用的系统密钥环。</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the only keyring available stores them unencrypted.</source>
            <translation>无法记住密码：本机唯一可用的密钥环以明文保存密码。</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the system keyring is locked.</source>
            <translation>无法记住密码：系统密钥环已锁定。</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the password is too long.</source>
            <translation>无法记住密码：密码过长。</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the system keyring reported an error.</source>
            <translation>无法记住密码：系统密钥环报告错误。</translation>
        </message>
        <message>
            <source>Sign in to AgentDesk</source>
            <translation>登录 AgentDesk</translation>
        </message>
        <message>
            <source>Hub address:</source>
            <translation>服务端地址：</translation>
        </message>
        <message>
            <source>User name:</source>
            <translation>用户名：</translation>
        </message>
        <message>
            <source>Password:</source>
            <translation>密码：</translation>
        </message>
        <message>
            <source>Remember my password (in the system keyring)</source>
            <translation>记住密码（保存在系统密钥环中）</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>此项由 IT 部门统一设置</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Not signed in</source>
            <translation>未登录</translation>
        </message>
        <message>
            <source>AgentDesk</source>
            <translation>AgentDesk 坐席工作台</translation>
        </message>
        <message>
            <source>Agent state</source>
            <translation>坐席状态</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>Sign &amp;in…</source>
            <translation>登录(&amp;I)…</translation>
        </message>
        <message>
            <source>Sign &amp;out</source>
            <translation>退出登录(&amp;O)</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Health check panel</source>
            <translation>健康检查面板(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Knowledge base panel</source>
            <translation>知识库面板(&amp;K)</translation>
        </message>
        <message>
            <source>&amp;Preferences…</source>
            <translation>首选项(&amp;P)…</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>界面语言(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Copy diagnostics</source>
            <translation>复制诊断信息(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;About AgentDesk</source>
            <translation>关于 AgentDesk(&amp;A)</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>工单</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>This setting could not be saved: %1</source>
            <translation>此设置无法保存：%1</translation>
        </message>
        <message>
            <source>Preferences</source>
            <translation>首选项</translation>
        </message>
    </context>
    <context>
        <name>TrayIcon</name>
        <message>
            <source>AgentDesk</source>
            <translation>AgentDesk 坐席工作台</translation>
        </message>
        <message>
            <source>Show AgentDesk</source>
            <translation>显示 AgentDesk</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>退出</translation>
        </message>
    </context>
</TS>
