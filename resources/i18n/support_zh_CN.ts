<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DiagnosticsSaver</name>
    <message>
        <source>Save diagnostics bundle…</source>
        <translation>保存诊断包…</translation>
    </message>
    <message>
        <source>Save diagnostics bundle</source>
        <translation>保存诊断包</translation>
    </message>
    <message>
        <source>Diagnostics bundle (*.zip)</source>
        <translation>诊断包 (*.zip)</translation>
    </message>
    <message>
        <source>Collecting diagnostics…</source>
        <translation>正在收集诊断信息…</translation>
    </message>
    <message>
        <source>Diagnostics saved</source>
        <translation>诊断包已保存</translation>
    </message>
    <message>
        <source>The diagnostics bundle was saved to %1. Send this file to your IT service desk. Passwords, tokens, phone numbers and names have been removed.</source>
        <translation>诊断包已保存到 %1。请将此文件发送给 IT 服务台。密码、令牌、电话号码和姓名均已去除。</translation>
    </message>
    <message>
        <source>Diagnostics failed</source>
        <translation>诊断包生成失败</translation>
    </message>
    <message>
        <source>The diagnostics bundle could not be written: %1</source>
        <translation>无法写入诊断包：%1</translation>
    </message>
</context>
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
