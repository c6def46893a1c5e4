<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>QuitGuard</name>
    <message>
        <source>You are on a call. End the call before quitting AgentDesk, so the customer is not cut off.</source>
        <translation>You are on a call. End the call before quitting AgentDesk, so the customer is not cut off.</translation>
    </message>
    <message>
        <source>AgentDesk cannot reach the hub, so it cannot sign you out now. The hub signs you out by itself after you have been offline for a while. Quit anyway?</source>
        <translation>AgentDesk cannot reach the hub, so it cannot sign you out now. The hub signs you out by itself after you have been offline for a while. Quit anyway?</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>You are signed in. Sign out and quit AgentDesk? You will receive no more queue calls.</source>
        <translation>You are signed in. Sign out and quit AgentDesk? You will receive no more queue calls.</translation>
    </message>
    <message>
        <source>Sign out and quit</source>
        <translation>Sign out and quit</translation>
    </message>
    <message>
        <source>Quit AgentDesk</source>
        <translation>Quit AgentDesk</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Signing out…</translation>
    </message>
</context>
<context>
    <name>StateArea</name>
    <message>
        <source>%1 — AgentDesk</source>
        <extracomment>How long shutdown waits for the hub to confirm the sign-out of an agent still signed in.</extracomment>
        <translation>%1 — AgentDesk</translation>
    </message>
</context>
<context>
    <name>StateBar</name>
    <message>
        <source>Time in this state</source>
        <extracomment>Hotkeys (window-wide). Alt+digit stays clear of the phone panel&apos;s Ctrl shortcuts and of F-keys the OS takes.</extracomment>
        <translation>Time in this state</translation>
    </message>
    <message>
        <source>What to do after this call</source>
        <translation>What to do after this call</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>End wrap-up</source>
        <translation>End wrap-up</translation>
    </message>
    <message>
        <source>Extend wrap-up</source>
        <translation>Extend wrap-up</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>Not ready</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>Break</translation>
    </message>
    <message>
        <source>Message from %1: %2</source>
        <translation>Message from %1: %2</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Set by %1</source>
        <translation>Set by %1</translation>
    </message>
    <message>
        <source>After this call: %1…</source>
        <translation>After this call: %1…</translation>
    </message>
    <message>
        <source>Switching to %1…</source>
        <translation>Switching to %1…</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>Next: %1</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Session ended</source>
        <translation>Session ended</translation>
    </message>
    <message>
        <source>Offline — reconnecting</source>
        <translation>Offline — reconnecting</translation>
    </message>
    <message>
        <source>Next state…</source>
        <translation>Next state…</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Wrap-up left: %1</source>
        <translation>Wrap-up left: %1</translation>
    </message>
</context>
<context>
    <name>StateNames</name>
    <message>
        <source>Break</source>
        <extracomment>One colour per state (and per not-ready category): what agents and supervisors learn to read at a glance.</extracomment>
        <translation>Break</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>Not ready</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Ringing</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>On call</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Wrap-up</translation>
    </message>
    <message>
        <source>Just signed in</source>
        <translation>Just signed in</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>Missed call</translation>
    </message>
    <message>
        <source>Set by supervisor</source>
        <translation>Set by supervisor</translation>
    </message>
    <message>
        <source>Offline too long</source>
        <translation>Offline too long</translation>
    </message>
    <message>
        <source>Signed in elsewhere</source>
        <translation>Signed in elsewhere</translation>
    </message>
    <message>
        <source>Device problem</source>
        <translation>Device problem</translation>
    </message>
    <message>
        <source>Account disabled</source>
        <translation>Account disabled</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>That change is not possible in the current state.</source>
        <translation>That change is not possible in the current state.</translation>
    </message>
    <message>
        <source>You are not allowed to make that change.</source>
        <translation>You are not allowed to make that change.</translation>
    </message>
    <message>
        <source>Choose a reason.</source>
        <translation>Choose a reason.</translation>
    </message>
    <message>
        <source>That reason is not available for your team.</source>
        <translation>That reason is not available for your team.</translation>
    </message>
    <message>
        <source>Wrap-up cannot be extended any more.</source>
        <translation>Wrap-up cannot be extended any more.</translation>
    </message>
    <message>
        <source>Wrap-up is not over yet.</source>
        <translation>Wrap-up is not over yet.</translation>
    </message>
    <message>
        <source>That call is no longer current.</source>
        <translation>That call is no longer current.</translation>
    </message>
    <message>
        <source>Not allowed: this agent is not in your team.</source>
        <translation>Not allowed: this agent is not in your team.</translation>
    </message>
    <message>
        <source>Your state was changed at the same moment by someone else.</source>
        <translation>Your state was changed at the same moment by someone else.</translation>
    </message>
    <message>
        <source>The hub did not answer in time.</source>
        <translation>The hub did not answer in time.</translation>
    </message>
    <message>
        <source>Not connected to the hub.</source>
        <translation>Not connected to the hub.</translation>
    </message>
    <message>
        <source>Your state changed before the request could be sent.</source>
        <translation>Your state changed before the request could be sent.</translation>
    </message>
    <message>
        <source>The hub refused the change.</source>
        <translation>The hub refused the change.</translation>
    </message>
    <message>
        <source>The change failed.</source>
        <translation>The change failed.</translation>
    </message>
    <message>
        <source>Could not change to %1: %2</source>
        <translation>Could not change to %1: %2</translation>
    </message>
    <message>
        <source>a supervisor</source>
        <translation>a supervisor</translation>
    </message>
    <message>
        <source>%1 set your next state to %2 (after this call).</source>
        <translation>%1 set your next state to %2 (after this call).</translation>
    </message>
    <message>
        <source>%1 changed your state to %2.</source>
        <translation>%1 changed your state to %2.</translation>
    </message>
    <message>
        <source>You were signed out: no connection to the hub for too long.</source>
        <translation>You were signed out: no connection to the hub for too long.</translation>
    </message>
    <message>
        <source>You were signed out because your account signed in on another computer.</source>
        <translation>You were signed out because your account signed in on another computer.</translation>
    </message>
    <message>
        <source>Missed call: you are now Not ready. Choose Ready to take calls again.</source>
        <translation>Missed call: you are now Not ready. Choose Ready to take calls again.</translation>
    </message>
    <message>
        <source>A queue call was passed to another agent because you are not ready.</source>
        <translation>A queue call was passed to another agent because you are not ready.</translation>
    </message>
    <message>
        <source>Auto-answer is off: no headset is connected.</source>
        <translation>Auto-answer is off: no headset is connected.</translation>
    </message>
    <message>
        <source>Connection to the hub lost. You stay signed in; reconnecting…</source>
        <translation>Connection to the hub lost. You stay signed in; reconnecting…</translation>
    </message>
    <message>
        <source>Connection to the hub restored.</source>
        <translation>Connection to the hub restored.</translation>
    </message>
</context>
</TS>
