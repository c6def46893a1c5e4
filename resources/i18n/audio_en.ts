<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AudioIndicator</name>
    <message>
        <source>Audio: no sound system</source>
        <translation>Audio: no sound system</translation>
    </message>
    <message>
        <source>No sound server answers; calls have no audio devices until one is running.</source>
        <translation>No sound server answers; calls have no audio devices until one is running.</translation>
    </message>
    <message>
        <source>Audio: no device</source>
        <translation>Audio: no device</translation>
    </message>
    <message>
        <source>Audio: %1</source>
        <translation>Audio: %1</translation>
    </message>
</context>
<context>
    <name>AudioPage</name>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1 (not connected)</translation>
    </message>
    <message>
        <source>Automatic (system speaker)</source>
        <translation>Automatic (system speaker)</translation>
    </message>
    <message>
        <source>Automatic (priority list)</source>
        <translation>Automatic (priority list)</translation>
    </message>
    <message>
        <source>Playing the test sound…</source>
        <translation>Playing the test sound…</translation>
    </message>
    <message>
        <source>Recording 3 seconds: please speak…</source>
        <translation>Recording 3 seconds: please speak…</translation>
    </message>
    <message>
        <source>Playing back what was recorded…</source>
        <translation>Playing back what was recorded…</translation>
    </message>
    <message>
        <source>Using %1</source>
        <translation>Using %1</translation>
    </message>
    <message>
        <source>No sound system answers: audio devices are not available.</source>
        <translation>No sound system answers: audio devices are not available.</translation>
    </message>
    <message>
        <source>No microphone is connected.</source>
        <translation>No microphone is connected.</translation>
    </message>
    <message>
        <source>No speaker or headset is connected.</source>
        <translation>No speaker or headset is connected.</translation>
    </message>
    <message>
        <source>The audio device in use was disconnected; the call continues on another device.</source>
        <translation>The audio device in use was disconnected; the call continues on another device.</translation>
    </message>
    <message>
        <source>The audio device could not be opened; the system default is used.</source>
        <translation>The audio device could not be opened; the system default is used.</translation>
    </message>
    <message>
        <source>No headset is connected: calls are not answered automatically.</source>
        <translation>No headset is connected: calls are not answered automatically.</translation>
    </message>
    <message>
        <source>A priority pattern is not valid: %1</source>
        <translation>A priority pattern is not valid: %1</translation>
    </message>
    <message>
        <source>The settings could not be saved: %1</source>
        <translation>The settings could not be saved: %1</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>Microphone:</translation>
    </message>
    <message>
        <source>Speaker / headset:</source>
        <translation>Speaker / headset:</translation>
    </message>
    <message>
        <source>Ring on:</source>
        <translation>Ring on:</translation>
    </message>
    <message>
        <source>Preferred devices:</source>
        <translation>Preferred devices:</translation>
    </message>
    <message>
        <source>One pattern per line, best first, e.g. *Jabra* or Plantronics|Poly. Used when plugged in.</source>
        <translation>One pattern per line, best first, e.g. *Jabra* or Plantronics|Poly. Used when plugged in.</translation>
    </message>
    <message>
        <source>Microphone level:</source>
        <translation>Microphone level:</translation>
    </message>
    <message>
        <source>Play test sound</source>
        <translation>Play test sound</translation>
    </message>
    <message>
        <source>Record 3 s and play back</source>
        <translation>Record 3 s and play back</translation>
    </message>
    <message>
        <source>Set by your IT department</source>
        <translation>Set by your IT department</translation>
    </message>
</context>
</TS>
