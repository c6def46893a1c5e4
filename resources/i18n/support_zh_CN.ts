<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>UpdateRequiredDialog</name>
    <message>
        <source>Update required</source>
        <translation>需要更新</translation>
    </message>
    <message>
        <source>This version of AgentDesk is no longer supported by your contact center.</source>
        <translation>您所在的客服中心已不再支持此版本的 AgentDesk。</translation>
    </message>
    <message>
        <source>Installed version: %1. Minimum version required: %2.</source>
        <translation>当前版本：%1。最低要求版本：%2。</translation>
    </message>
    <message>
        <source>Install the new version from %1, then start AgentDesk again.</source>
        <translation>请从 %1 安装新版本，然后重新启动 AgentDesk。</translation>
    </message>
    <message>
        <source>Ask your IT service desk to install the new version, then start AgentDesk again.</source>
        <translation>请联系 IT 服务台安装新版本，然后重新启动 AgentDesk。</translation>
    </message>
    <message>
        <source>Open update page</source>
        <translation>打开更新页面</translation>
    </message>
    <message>
        <source>Quit AgentDesk</source>
        <translation>退出 AgentDesk</translation>
    </message>
</context>
</TS>
