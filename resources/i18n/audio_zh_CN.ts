<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AudioIndicator</name>
    <message>
        <source>Audio: no sound system</source>
        <translation>音频：无音频系统</translation>
    </message>
    <message>
        <source>No sound server answers; calls have no audio devices until one is running.</source>
        <translation>音频服务无响应；在其启动之前，通话无法使用音频设备。</translation>
    </message>
    <message>
        <source>Audio: no device</source>
        <translation>音频：无设备</translation>
    </message>
    <message>
        <source>Audio: %1</source>
        <translation>音频：%1</translation>
    </message>
</context>
<context>
    <name>AudioPage</name>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1（未连接）</translation>
    </message>
    <message>
        <source>Automatic (system speaker)</source>
        <translation>自动（系统扬声器）</translation>
    </message>
    <message>
        <source>Automatic (priority list)</source>
        <translation>自动（按优先列表）</translation>
    </message>
    <message>
        <source>Playing the test sound…</source>
        <translation>正在播放测试音…</translation>
    </message>
    <message>
        <source>Recording 3 seconds: please speak…</source>
        <translation>正在录音 3 秒，请讲话…</translation>
    </message>
    <message>
        <source>Playing back what was recorded…</source>
        <translation>正在回放录音…</translation>
    </message>
    <message>
        <source>Using %1</source>
        <translation>正在使用 %1</translation>
    </message>
    <message>
        <source>No sound system answers: audio devices are not available.</source>
        <translation>音频系统无响应，无法使用音频设备。</translation>
    </message>
    <message>
        <source>No microphone is connected.</source>
        <translation>未连接麦克风。</translation>
    </message>
    <message>
        <source>No speaker or headset is connected.</source>
        <translation>未连接扬声器或耳机。</translation>
    </message>
    <message>
        <source>The audio device in use was disconnected; the call continues on another device.</source>
        <translation>正在使用的音频设备已断开，通话已切换到其他设备继续。</translation>
    </message>
    <message>
        <source>The audio device could not be opened; the system default is used.</source>
        <translation>无法打开该音频设备，已改用系统默认设备。</translation>
    </message>
    <message>
        <source>No headset is connected: calls are not answered automatically.</source>
        <translation>未连接耳机，来电将不会自动接听。</translation>
    </message>
    <message>
        <source>A priority pattern is not valid: %1</source>
        <translation>优先设备规则无效：%1</translation>
    </message>
    <message>
        <source>The settings could not be saved: %1</source>
        <translation>设置未能保存：%1</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>麦克风：</translation>
    </message>
    <message>
        <source>Speaker / headset:</source>
        <translation>扬声器 / 耳机：</translation>
    </message>
    <message>
        <source>Ring on:</source>
        <translation>振铃设备：</translation>
    </message>
    <message>
        <source>Preferred devices:</source>
        <translation>优先设备：</translation>
    </message>
    <message>
        <source>One pattern per line, best first, e.g. *Jabra* or Plantronics|Poly. Used when plugged in.</source>
        <translation>每行一条规则，优先的写在前面，例如 *Jabra* 或 Plantronics|Poly。设备插入后自动启用。</translation>
    </message>
    <message>
        <source>Microphone level:</source>
        <translation>麦克风音量：</translation>
    </message>
    <message>
        <source>Play test sound</source>
        <translation>播放测试音</translation>
    </message>
    <message>
        <source>Record 3 s and play back</source>
        <translation>录音 3 秒并回放</translation>
    </message>
    <message>
        <source>Set by your IT department</source>
        <translation>由 IT 部门设定</translation>
    </message>
</context>
</TS>
