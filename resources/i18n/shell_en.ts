<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>AboutDialog</name>
        <message>
            <source>About AgentDesk</source>
            <translation>About AgentDesk</translation>
        </message>
        <message>
            <source>AgentDesk
Softphone, agent state, tickets and knowledge base for contact-center agents working from home.</source>
            <translation>AgentDesk
Softphone, agent state, tickets and knowledge base for contact-center agents working from home.</translation>
        </message>
        <message>
            <source>Copy versions</source>
            <translation>Copy versions</translation>
        </message>
    </context>
    <context>
        <name>Application</name>
        <message>
            <source>Some settings could not be read and their defaults are used. Details are in the log.</source>
            <translation>Some settings could not be read and their defaults are used. Details are in the log.</translation>
        </message>
        <message>
            <source>Diagnostics copied to the clipboard.</source>
            <translation>Diagnostics copied to the clipboard.</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <source>Copied</source>
            <translation>Copied</translation>
        </message>
        <message>
            <source>AgentDesk problem report</source>
            <translation>AgentDesk problem report</translation>
        </message>
        <message>
            <source>AgentDesk stopped unexpectedly last time. If it happens again, copy the diagnostics and send them to IT support.</source>
            <translation>AgentDesk stopped unexpectedly last time. If it happens again, copy the diagnostics and send them to IT support.</translation>
        </message>
        <message>
            <source>An internal error occurred. AgentDesk keeps running, but something may not work as expected. Copy the diagnostics and send them to IT support.</source>
            <translation>An internal error occurred. AgentDesk keeps running, but something may not work as expected. Copy the diagnostics and send them to IT support.</translation>
        </message>
        <message numerus="yes">
            <source>%n error(s) so far.</source>
            <translation>
                <numerusform>%n error so far.</numerusform>
                <numerusform>%n errors so far.</numerusform>
            </translation>
        </message>
        <message>
            <source>Copy diagnostics</source>
            <translation>Copy diagnostics</translation>
        </message>
    </context>
    <context>
        <name>EmptyPanel</name>
        <message>
            <source>Loading…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>Agent state</source>
            <translation>Agent state</translation>
        </message>
        <message>
            <source>Sign in to set your state.</source>
            <translation>Sign in to set your state.</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>The softphone is not set up.</source>
            <translation>The softphone is not set up.</translation>
        </message>
        <message>
            <source>Health check</source>
            <translation>Health check</translation>
        </message>
        <message>
            <source>VPN and device checks are not set up.</source>
            <translation>VPN and device checks are not set up.</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>Tickets</translation>
        </message>
        <message>
            <source>Tickets appear here after you sign in.</source>
            <translation>Tickets appear here after you sign in.</translation>
        </message>
        <message>
            <source>Knowledge base</source>
            <translation>Knowledge base</translation>
        </message>
        <message>
            <source>Knowledge search is available after you sign in.</source>
            <translation>Knowledge search is available after you sign in.</translation>
        </message>
    </context>
    <context>
        <name>GeneralPage</name>
        <message>
            <source>General</source>
            <translation>General</translation>
        </message>
        <message>
            <source>Language:</source>
            <translation>Language:</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>System language</translation>
        </message>
        <message>
            <source>Keep running in the tray when the window is closed</source>
            <translation>Keep running in the tray when the window is closed</translation>
        </message>
        <message>
            <source>Start minimized to the tray</source>
            <translation>Start minimized to the tray</translation>
        </message>
        <message>
            <source>Show desktop notifications</source>
            <translation>Show desktop notifications</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>Set by your IT department</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>Wrong user name or password.</source>
            <translation>Wrong user name or password.</translation>
        </message>
        <message>
            <source>Cannot reach the hub. Check your network and VPN connection, then try again.</source>
            <translation>Cannot reach the hub. Check your network and VPN connection, then try again.</translation>
        </message>
        <message>
            <source>The hub's certificate is not trusted. Ask IT to check the hub address and CA file.</source>
            <translation>The hub's certificate is not trusted. Ask IT to check the hub address and CA file.</translation>
        </message>
        <message>
            <source>The hub reported an error. Try again later or contact IT.</source>
            <translation>The hub reported an error. Try again later or contact IT.</translation>
        </message>
        <message>
            <source>This installation has no hub connection.</source>
            <translation>This installation has no hub connection.</translation>
        </message>
        <message>
            <source>Enter your user name and password; the hub address must start with https://.</source>
            <translation>Enter your user name and password; the hub address must start with https://.</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: no system keyring is available on this computer.</source>
            <translation>Passwords cannot be remembered: no system keyring is available on this computer.</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the only keyring available stores them unencrypted.</source>
            <translation>Passwords cannot be remembered: the only keyring available stores them unencrypted.</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the system keyring is locked.</source>
            <translation>Passwords cannot be remembered: the system keyring is locked.</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the password is too long.</source>
            <translation>Passwords cannot be remembered: the password is too long.</translation>
        </message>
        <message>
            <source>Passwords cannot be remembered: the system keyring reported an error.</source>
            <translation>Passwords cannot be remembered: the system keyring reported an error.</translation>
        </message>
        <message>
            <source>Sign in to AgentDesk</source>
            <translation>Sign in to AgentDesk</translation>
        </message>
        <message>
            <source>Hub address:</source>
            <translation>Hub address:</translation>
        </message>
        <message>
            <source>User name:</source>
            <translation>User name:</translation>
        </message>
        <message>
            <source>Password:</source>
            <translation>Password:</translation>
        </message>
        <message>
            <source>Remember my password (in the system keyring)</source>
            <translation>Remember my password (in the system keyring)</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>Set by your IT department</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Not signed in</source>
            <translation>Not signed in</translation>
        </message>
        <message>
            <source>AgentDesk</source>
            <translation>AgentDesk</translation>
        </message>
        <message>
            <source>Agent state</source>
            <translation>Agent state</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;File</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;View</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>&amp;Settings</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Help</translation>
        </message>
        <message>
            <source>Sign &amp;in…</source>
            <translation>Sign &amp;in…</translation>
        </message>
        <message>
            <source>Sign &amp;out</source>
            <translation>Sign &amp;out</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Quit</translation>
        </message>
        <message>
            <source>&amp;Health check panel</source>
            <translation>&amp;Health check panel</translation>
        </message>
        <message>
            <source>&amp;Knowledge base panel</source>
            <translation>&amp;Knowledge base panel</translation>
        </message>
        <message>
            <source>&amp;Preferences…</source>
            <translation>&amp;Preferences…</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>&amp;Language</translation>
        </message>
        <message>
            <source>&amp;Copy diagnostics</source>
            <translation>&amp;Copy diagnostics</translation>
        </message>
        <message>
            <source>&amp;About AgentDesk</source>
            <translation>&amp;About AgentDesk</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>Tickets</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>This setting could not be saved: %1</source>
            <translation>This setting could not be saved: %1</translation>
        </message>
        <message>
            <source>Preferences</source>
            <translation>Preferences</translation>
        </message>
    </context>
    <context>
        <name>TrayIcon</name>
        <message>
            <source>AgentDesk</source>
            <translation>AgentDesk</translation>
        </message>
        <message>
            <source>Show AgentDesk</source>
            <translation>Show AgentDesk</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Quit</translation>
        </message>
    </context>
</TS>
