<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>HistoryModel</name>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duration</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>MOS</source>
        <translation>MOS</translation>
    </message>
    <message>
        <source>In</source>
        <translation>In</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>Out</translation>
    </message>
    <message>
        <source>Worst MOS during the call: %1</source>
        <translation>Worst MOS during the call: %1</translation>
    </message>
</context>
<context>
    <name>IncomingCallToast</name>
    <message>
        <source>Call waiting</source>
        <translation>Call waiting</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Answer</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
</context>
<context>
    <name>PhoneController</name>
    <message>
        <source>Call waiting</source>
        <translation>Call waiting</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>Missed call</translation>
    </message>
    <message>
        <source>The transfer failed (%1).</source>
        <translation>The transfer failed (%1).</translation>
    </message>
</context>
<context>
    <name>PhonePanel</name>
    <message>
        <source>Number or extension</source>
        <translation>Number or extension</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Call</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>Redial</translation>
    </message>
    <message>
        <source>Current call</source>
        <translation>Current call</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Answer</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>Conference</source>
        <translation>Conference</translation>
    </message>
    <message>
        <source>Answer (Ctrl+Shift+A)</source>
        <translation>Answer (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Hang up (Ctrl+Shift+H)</source>
        <translation>Hang up (Ctrl+Shift+H)</translation>
    </message>
    <message>
        <source>Mute the microphone (Ctrl+Shift+M)</source>
        <translation>Mute the microphone (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Hold (Ctrl+Shift+P)</source>
        <translation>Hold (Ctrl+Shift+P)</translation>
    </message>
    <message numerus="yes">
        <source>Recent calls (%n missed)</source>
        <translation>
            <numerusform>Recent calls (%n missed)</numerusform>
            <numerusform>Recent calls (%n missed)</numerusform>
        </translation>
    </message>
    <message>
        <source>Recent calls</source>
        <translation>Recent calls</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Hold</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Unmute</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Mute</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>No call</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>On hold</translation>
    </message>
    <message>
        <source>Held by the other party</source>
        <translation>Held by the other party</translation>
    </message>
    <message>
        <source>answering automatically</source>
        <translation>answering automatically</translation>
    </message>
    <message>
        <source>Quality: measuring</source>
        <translation>Quality: measuring</translation>
    </message>
    <message>
        <source>Quality: %1</source>
        <translation>Quality: %1</translation>
    </message>
</context>
<context>
    <name>PhoneTexts</name>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Sign-in refused: wrong password</source>
        <translation>Sign-in refused: wrong password</translation>
    </message>
    <message>
        <source>Sign-in refused: unknown extension</source>
        <translation>Sign-in refused: unknown extension</translation>
    </message>
    <message>
        <source>Phone server unreachable</source>
        <translation>Phone server unreachable</translation>
    </message>
    <message>
        <source>Phone server certificate not trusted</source>
        <translation>Phone server certificate not trusted</translation>
    </message>
    <message>
        <source>Phone server does not answer</source>
        <translation>Phone server does not answer</translation>
    </message>
    <message>
        <source>Phone server refused the sign-in</source>
        <translation>Phone server refused the sign-in</translation>
    </message>
    <message>
        <source>Phone sign-in failed</source>
        <translation>Phone sign-in failed</translation>
    </message>
    <message>
        <source>Calling…</source>
        <translation>Calling…</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <source>Ringing…</source>
        <translation>Ringing…</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>In call</translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Answered</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Missed</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>No answer</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Busy</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>Transferred</translation>
    </message>
    <message>
        <source>High delay</source>
        <translation>High delay</translation>
    </message>
    <message>
        <source>Unstable network (jitter)</source>
        <translation>Unstable network (jitter)</translation>
    </message>
    <message>
        <source>Packet loss</source>
        <translation>Packet loss</translation>
    </message>
    <message>
        <source>Poor voice quality</source>
        <translation>Poor voice quality</translation>
    </message>
    <message>
        <source>The phone is not started.</source>
        <translation>The phone is not started.</translation>
    </message>
    <message>
        <source>The phone could not start.</source>
        <translation>The phone could not start.</translation>
    </message>
    <message>
        <source>The phone is not signed in.</source>
        <translation>The phone is not signed in.</translation>
    </message>
    <message>
        <source>The phone settings are incomplete.</source>
        <translation>The phone settings are incomplete.</translation>
    </message>
    <message>
        <source>That is not a number that can be dialled.</source>
        <translation>That is not a number that can be dialled.</translation>
    </message>
    <message>
        <source>That call has already ended.</source>
        <translation>That call has already ended.</translation>
    </message>
    <message>
        <source>Not possible in the call&apos;s current state.</source>
        <translation>Not possible in the call&apos;s current state.</translation>
    </message>
    <message>
        <source>Too many calls at once.</source>
        <translation>Too many calls at once.</translation>
    </message>
    <message>
        <source>No number to redial yet.</source>
        <translation>No number to redial yet.</translation>
    </message>
    <message>
        <source>The phone could not do that.</source>
        <translation>The phone could not do that.</translation>
    </message>
    <message>
        <source>The phone is shutting down.</source>
        <translation>The phone is shutting down.</translation>
    </message>
</context>
<context>
    <name>QualityDialog</name>
    <message>
        <source>Call quality</source>
        <translation>Call quality</translation>
    </message>
    <message>
        <source>MOS (1–5)</source>
        <translation>MOS (1–5)</translation>
    </message>
    <message>
        <source>R factor</source>
        <translation>R factor</translation>
    </message>
    <message>
        <source>Round-trip time</source>
        <translation>Round-trip time</translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation>Jitter</translation>
    </message>
    <message>
        <source>Packet loss</source>
        <translation>Packet loss</translation>
    </message>
    <message>
        <source>Jitter buffer delay</source>
        <translation>Jitter buffer delay</translation>
    </message>
    <message>
        <source>No measurement yet (the first one comes 5 seconds into the call).</source>
        <translation>No measurement yet (the first one comes 5 seconds into the call).</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>No problems detected.</source>
        <translation>No problems detected.</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer call</source>
        <translation>Transfer call</translation>
    </message>
    <message>
        <source>Transfer to (extension or number):</source>
        <translation>Transfer to (extension or number):</translation>
    </message>
    <message>
        <source>Transfer now</source>
        <translation>Transfer now</translation>
    </message>
    <message>
        <source>Consult first</source>
        <translation>Consult first</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
</TS>
