<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CommandAuditModel</name>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Command</translation>
    </message>
    <message>
        <source>Agent was</source>
        <translation>Agent was</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <source>Waiting for the call to end</source>
        <translation>Waiting for the call to end</translation>
    </message>
    <message>
        <source>Applied after the call at %1</source>
        <translation>Applied after the call at %1</translation>
    </message>
    <message>
        <source>Applied at once</source>
        <translation>Applied at once</translation>
    </message>
    <message>
        <source>the hub</source>
        <translation>the hub</translation>
    </message>
    <message>
        <source>Replaced at %1 by %2</source>
        <translation>Replaced at %1 by %2</translation>
    </message>
    <message>
        <source>the agent</source>
        <translation>the agent</translation>
    </message>
</context>
<context>
    <name>MetricsChart</name>
    <message>
        <source>No data for this period</source>
        <translation>No data for this period</translation>
    </message>
</context>
<context>
    <name>MetricsTableModel</name>
    <message>
        <source>Agent</source>
        <extracomment>States shown in the metrics (signed out is not working time).</extracomment>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Calls offered</source>
        <translation>Calls offered</translation>
    </message>
    <message>
        <source>Calls handled</source>
        <translation>Calls handled</translation>
    </message>
    <message>
        <source>Missed calls</source>
        <translation>Missed calls</translation>
    </message>
    <message>
        <source>Answer rate</source>
        <translation>Answer rate</translation>
    </message>
    <message>
        <source>Average handle time</source>
        <translation>Average handle time</translation>
    </message>
    <message>
        <source>Team total</source>
        <translation>Team total</translation>
    </message>
</context>
<context>
    <name>SupervisorPanel</name>
    <message>
        <source>All agents</source>
        <translation>All agents</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Health problems</source>
        <translation>Health problems</translation>
    </message>
    <message>
        <source>Search agent</source>
        <translation>Search agent</translation>
    </message>
    <message>
        <source>Force ready</source>
        <translation>Force ready</translation>
    </message>
    <message>
        <source>Force not ready</source>
        <translation>Force not ready</translation>
    </message>
    <message>
        <source>Sign out agent</source>
        <translation>Sign out agent</translation>
    </message>
    <message>
        <source>Message to the whole team</source>
        <translation>Message to the whole team</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>The message disappears from the agents&apos; screens after this time</source>
        <translation>The message disappears from the agents&apos; screens after this time</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>Broadcast</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Expires in</translation>
    </message>
    <message>
        <source>Last 8 hours</source>
        <translation>Last 8 hours</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Last 24 hours</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Team board</source>
        <translation>Team board</translation>
    </message>
    <message>
        <source>Shift metrics</source>
        <translation>Shift metrics</translation>
    </message>
    <message>
        <source>Command log</source>
        <translation>Command log</translation>
    </message>
    <message>
        <source>Supervisor (no reason)</source>
        <translation>Supervisor (no reason)</translation>
    </message>
    <message>
        <source>%1 is on a call. Set %2 for when the call ends?</source>
        <translation>%1 is on a call. Set %2 for when the call ends?</translation>
    </message>
    <message>
        <source>Change %1 to %2 now? The agent will see that you made this change.</source>
        <translation>Change %1 to %2 now? The agent will see that you made this change.</translation>
    </message>
    <message>
        <source>Change agent state</source>
        <translation>Change agent state</translation>
    </message>
    <message>
        <source>Write a message first.</source>
        <translation>Write a message first.</translation>
    </message>
    <message>
        <source>%1 will be set to %2 when the call ends.</source>
        <translation>%1 will be set to %2 when the call ends.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 is now %2.</translation>
    </message>
    <message>
        <source>Could not change %1: %2</source>
        <translation>Could not change %1: %2</translation>
    </message>
    <message>
        <source>Message sent to the team.</source>
        <translation>Message sent to the team.</translation>
    </message>
    <message>
        <source>The message was not sent: %1</source>
        <translation>The message was not sent: %1</translation>
    </message>
    <message>
        <source>Could not load the command log: %1</source>
        <translation>Could not load the command log: %1</translation>
    </message>
    <message>
        <source>Could not load the metrics: %1</source>
        <translation>Could not load the metrics: %1</translation>
    </message>
</context>
<context>
    <name>TeamBoardModel</name>
    <message>
        <source>Agent</source>
        <extracomment>Raw sort value of each row (UserRole): seconds for the clocks, the MOS, names for text columns.</extracomment>
        <translation>Agent</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation>Time in state</translation>
    </message>
    <message>
        <source>Call duration</source>
        <translation>Call duration</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>MOS</source>
        <translation>MOS</translation>
    </message>
    <message>
        <source>Last change by %1</source>
        <translation>Last change by %1</translation>
    </message>
    <message>
        <source>Offline: no heartbeat from this agent&apos;s computer</source>
        <translation>Offline: no heartbeat from this agent&apos;s computer</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1 (offline)</translation>
    </message>
    <message>
        <source>%1 → %2…</source>
        <translation>%1 → %2…</translation>
    </message>
    <message>
        <source>%1 (next: %2)</source>
        <translation>%1 (next: %2)</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
</context>
</TS>
