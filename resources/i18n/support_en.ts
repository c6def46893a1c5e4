<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DiagnosticsSaver</name>
    <message>
        <source>Save diagnostics bundle…</source>
        <translation>Save diagnostics bundle…</translation>
    </message>
    <message>
        <source>Save diagnostics bundle</source>
        <translation>Save diagnostics bundle</translation>
    </message>
    <message>
        <source>Diagnostics bundle (*.zip)</source>
        <translation>Diagnostics bundle (*.zip)</translation>
    </message>
    <message>
        <source>Collecting diagnostics…</source>
        <translation>Collecting diagnostics…</translation>
    </message>
    <message>
        <source>Diagnostics saved</source>
        <translation>Diagnostics saved</translation>
    </message>
    <message>
        <source>The diagnostics bundle was saved to %1. Send this file to your IT service desk. Passwords, tokens, phone numbers and names have been removed.</source>
        <translation>The diagnostics bundle was saved to %1. Send this file to your IT service desk. Passwords, tokens, phone numbers and names have been removed.</translation>
    </message>
    <message>
        <source>Diagnostics failed</source>
        <translation>Diagnostics failed</translation>
    </message>
    <message>
        <source>The diagnostics bundle could not be written: %1</source>
        <translation>The diagnostics bundle could not be written: %1</translation>
    </message>
</context>
<context>
    <name>UpdateRequiredDialog</name>
    <message>
        <source>Update required</source>
        <translation>Update required</translation>
    </message>
    <message>
        <source>This version of AgentDesk is no longer supported by your contact center.</source>
        <translation>This version of AgentDesk is no longer supported by your contact center.</translation>
    </message>
    <message>
        <source>Installed version: %1. Minimum version required: %2.</source>
        <translation>Installed version: %1. Minimum version required: %2.</translation>
    </message>
    <message>
        <source>Install the new version from %1, then start AgentDesk again.</source>
        <translation>Install the new version from %1, then start AgentDesk again.</translation>
    </message>
    <message>
        <source>Ask your IT service desk to install the new version, then start AgentDesk again.</source>
        <translation>Ask your IT service desk to install the new version, then start AgentDesk again.</translation>
    </message>
    <message>
        <source>Open update page</source>
        <translation>Open update page</translation>
    </message>
    <message>
        <source>Quit AgentDesk</source>
        <translation>Quit AgentDesk</translation>
    </message>
</context>
</TS>
