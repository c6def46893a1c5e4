<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>HealthIndicator</name>
    <message>
        <source>Health: not checked</source>
        <translation>Health: not checked</translation>
    </message>
    <message>
        <source>Health: %1 (%2)</source>
        <translation>Health: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>Run full health check</source>
        <translation>Run full health check</translation>
    </message>
    <message>
        <source>No health check has run yet.</source>
        <translation>No health check has run yet.</translation>
    </message>
    <message numerus="yes">
        <source>Last check at %1: %n problem(s).</source>
        <translation>
            <numerusform>Last check at %1: %n problem.</numerusform>
            <numerusform>Last check at %1: %n problems.</numerusform>
        </translation>
    </message>
    <message>
        <source>Last check at %1: all good.</source>
        <translation>Last check at %1: all good.</translation>
    </message>
</context>
<context>
    <name>HealthTexts</name>
    <message>
        <source>The company VPN was not found. Connect the VPN, then run the check again.</source>
        <translation>The company VPN was not found. Connect the VPN, then run the check again.</translation>
    </message>
    <message>
        <source>The VPN adapter is present but not connected. Reconnect the VPN.</source>
        <translation>The VPN adapter is present but not connected. Reconnect the VPN.</translation>
    </message>
    <message>
        <source>Traffic to the phone server does not go through the VPN. Reconnect the VPN; if it persists, ask IT about the split-tunnel settings.</source>
        <translation>Traffic to the phone server does not go through the VPN. Reconnect the VPN; if it persists, ask IT about the split-tunnel settings.</translation>
    </message>
    <message>
        <source>Traffic to the AgentDesk server does not go through the VPN. Reconnect the VPN; if it persists, contact IT.</source>
        <translation>Traffic to the AgentDesk server does not go through the VPN. Reconnect the VPN; if it persists, contact IT.</translation>
    </message>
    <message>
        <source>There is no network route to this server. Check the network and the VPN.</source>
        <translation>There is no network route to this server. Check the network and the VPN.</translation>
    </message>
    <message>
        <source>A server name could not be resolved. Check that the VPN is connected; if it persists, contact IT.</source>
        <translation>A server name could not be resolved. Check that the VPN is connected; if it persists, contact IT.</translation>
    </message>
    <message>
        <source>Name resolution is slow, which can delay sign-in and calls.</source>
        <translation>Name resolution is slow, which can delay sign-in and calls.</translation>
    </message>
    <message>
        <source>Cannot connect to the AgentDesk server. Check the network and the VPN; if it persists, contact IT.</source>
        <translation>Cannot connect to the AgentDesk server. Check the network and the VPN; if it persists, contact IT.</translation>
    </message>
    <message>
        <source>The secure (TLS) connection to the server failed. Contact IT.</source>
        <translation>The secure (TLS) connection to the server failed. Contact IT.</translation>
    </message>
    <message>
        <source>The server certificate is not trusted. Do not continue; contact IT.</source>
        <translation>The server certificate is not trusted. Do not continue; contact IT.</translation>
    </message>
    <message>
        <source>The server certificate has expired (or this computer&apos;s clock is wrong). Check the clock and contact IT.</source>
        <translation>The server certificate has expired (or this computer&apos;s clock is wrong). Check the clock and contact IT.</translation>
    </message>
    <message>
        <source>The server certificate expires soon. Tell IT to renew it.</source>
        <translation>The server certificate expires soon. Tell IT to renew it.</translation>
    </message>
    <message>
        <source>The server certificate does not match the server address. Do not continue; contact IT.</source>
        <translation>The server certificate does not match the server address. Do not continue; contact IT.</translation>
    </message>
    <message>
        <source>The AgentDesk server reports a problem. Try again later or contact IT.</source>
        <translation>The AgentDesk server reports a problem. Try again later or contact IT.</translation>
    </message>
    <message>
        <source>This computer&apos;s clock differs from the server&apos;s. Turn on automatic time synchronisation.</source>
        <translation>This computer&apos;s clock differs from the server&apos;s. Turn on automatic time synchronisation.</translation>
    </message>
    <message>
        <source>The phone server does not answer: calls will not work. Check the VPN; if it persists, contact IT.</source>
        <translation>The phone server does not answer: calls will not work. Check the VPN; if it persists, contact IT.</translation>
    </message>
    <message>
        <source>The network is losing packets, so calls will break up. Use a wired connection and pause downloads and video.</source>
        <translation>The network is losing packets, so calls will break up. Use a wired connection and pause downloads and video.</translation>
    </message>
    <message>
        <source>Network delay is high, so calls will lag. Use a wired connection.</source>
        <translation>Network delay is high, so calls will lag. Use a wired connection.</translation>
    </message>
    <message>
        <source>Network jitter is high, so calls may be unsteady. Use a wired connection and pause programs that use the network.</source>
        <translation>Network jitter is high, so calls may be unsteady. Use a wired connection and pause programs that use the network.</translation>
    </message>
    <message>
        <source>Call quality is expected to be poor. Improve the network, then check again.</source>
        <translation>Call quality is expected to be poor. Improve the network, then check again.</translation>
    </message>
    <message>
        <source>The path MTU to the phone server is small, so SIP over UDP may be lost. Ask IT to switch SIP to TCP or TLS.</source>
        <translation>The path MTU to the phone server is small, so SIP over UDP may be lost. Ask IT to switch SIP to TCP or TLS.</translation>
    </message>
    <message>
        <source>The path MTU to the phone server is small. If calls fail to set up, contact IT.</source>
        <translation>The path MTU to the phone server is small. If calls fail to set up, contact IT.</translation>
    </message>
    <message>
        <source>Not enough bandwidth. Pause downloads and video, or use a wired connection.</source>
        <translation>Not enough bandwidth. Pause downloads and video, or use a wired connection.</translation>
    </message>
    <message>
        <source>The approved headset was not found. Plug it in (for a USB headset, try another port).</source>
        <translation>The approved headset was not found. Plug it in (for a USB headset, try another port).</translation>
    </message>
    <message>
        <source>The microphone picks up no sound. Check the headset&apos;s mute switch, the plug and the system&apos;s microphone permission.</source>
        <translation>The microphone picks up no sound. Check the headset&apos;s mute switch, the plug and the system&apos;s microphone permission.</translation>
    </message>
    <message>
        <source>The microphone sends a constant signal and may be faulty. Swap the headset or contact IT.</source>
        <translation>The microphone sends a constant signal and may be faulty. Swap the headset or contact IT.</translation>
    </message>
    <message>
        <source>The microphone level is very low. Raise the input volume.</source>
        <translation>The microphone level is very low. Raise the input volume.</translation>
    </message>
    <message>
        <source>The test tone was not heard. Check the headset plug, the volume and the output device.</source>
        <translation>The test tone was not heard. Check the headset plug, the volume and the output device.</translation>
    </message>
    <message>
        <source>The speaker test was not confirmed.</source>
        <translation>The speaker test was not confirmed.</translation>
    </message>
    <message>
        <source>The audio system is not available. Restart the computer; if it persists, contact IT.</source>
        <translation>The audio system is not available. Restart the computer; if it persists, contact IT.</translation>
    </message>
    <message>
        <source>The CPU is very busy, so calls may stutter. Close programs you do not need.</source>
        <translation>The CPU is very busy, so calls may stutter. Close programs you do not need.</translation>
    </message>
    <message>
        <source>Free memory is low. Close programs you do not need.</source>
        <translation>Free memory is low. Close programs you do not need.</translation>
    </message>
    <message>
        <source>Disk space is low. Free some space or contact IT.</source>
        <translation>Disk space is low. Free some space or contact IT.</translation>
    </message>
    <message>
        <source>The computer is running on battery. Plug in the charger.</source>
        <translation>The computer is running on battery. Plug in the charger.</translation>
    </message>
    <message>
        <source>The battery is low and not charging. Plug in the charger now.</source>
        <translation>The battery is low and not charging. Plug in the charger now.</translation>
    </message>
    <message>
        <source>You are on Wi-Fi. A wired connection gives steadier calls.</source>
        <translation>You are on Wi-Fi. A wired connection gives steadier calls.</translation>
    </message>
    <message>
        <source>The Wi-Fi signal is weak. Move closer to the router or use a cable.</source>
        <translation>The Wi-Fi signal is weak. Move closer to the router or use a cable.</translation>
    </message>
    <message>
        <source>This check is not configured at this site.</source>
        <translation>This check is not configured at this site.</translation>
    </message>
    <message>
        <source>This check is not available on this system.</source>
        <translation>This check is not available on this system.</translation>
    </message>
    <message>
        <source>The check could not run (see the technical details).</source>
        <translation>The check could not run (see the technical details).</translation>
    </message>
    <message>
        <source>VPN connection</source>
        <translation>VPN connection</translation>
    </message>
    <message>
        <source>Phone server via VPN</source>
        <translation>Phone server via VPN</translation>
    </message>
    <message>
        <source>AgentDesk server via VPN</source>
        <translation>AgentDesk server via VPN</translation>
    </message>
    <message>
        <source>Name resolution (DNS)</source>
        <translation>Name resolution (DNS)</translation>
    </message>
    <message>
        <source>Server connection</source>
        <translation>Server connection</translation>
    </message>
    <message>
        <source>Secure connection (TLS)</source>
        <translation>Secure connection (TLS)</translation>
    </message>
    <message>
        <source>Server certificate validity</source>
        <translation>Server certificate validity</translation>
    </message>
    <message>
        <source>Server health</source>
        <translation>Server health</translation>
    </message>
    <message>
        <source>Clock difference</source>
        <translation>Clock difference</translation>
    </message>
    <message>
        <source>Voice path (delay/jitter/loss)</source>
        <translation>Voice path (delay/jitter/loss)</translation>
    </message>
    <message>
        <source>Expected call quality (MOS)</source>
        <translation>Expected call quality (MOS)</translation>
    </message>
    <message>
        <source>Path MTU</source>
        <translation>Path MTU</translation>
    </message>
    <message>
        <source>Download bandwidth</source>
        <translation>Download bandwidth</translation>
    </message>
    <message>
        <source>Upload bandwidth</source>
        <translation>Upload bandwidth</translation>
    </message>
    <message>
        <source>Headset</source>
        <translation>Headset</translation>
    </message>
    <message>
        <source>Microphone test</source>
        <translation>Microphone test</translation>
    </message>
    <message>
        <source>Speaker test</source>
        <translation>Speaker test</translation>
    </message>
    <message>
        <source>CPU load</source>
        <translation>CPU load</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>Free memory</translation>
    </message>
    <message>
        <source>Disk space</source>
        <translation>Disk space</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>Power</translation>
    </message>
    <message>
        <source>Network type</source>
        <translation>Network type</translation>
    </message>
    <message>
        <source>OS and app version</source>
        <translation>OS and app version</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>Pass</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>Fail</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Skipped</translation>
    </message>
    <message>
        <source>excellent</source>
        <translation>excellent</translation>
    </message>
    <message>
        <source>good</source>
        <translation>good</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>fair</translation>
    </message>
    <message>
        <source>poor</source>
        <translation>poor</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
<context>
    <name>PreShiftGateDialog</name>
    <message>
        <source>Health check</source>
        <extracomment>The full run: (progress callback, cancel event, speaker confirmation) → report. ``HealthService.run_full``.</extracomment>
        <translation>Health check</translation>
    </message>
    <message>
        <source>AgentDesk checks the VPN, the network path to the phone server, your headset and this computer.</source>
        <translation>AgentDesk checks the VPN, the network path to the phone server, your headset and this computer.</translation>
    </message>
    <message>
        <source>Checking the VPN, the voice path, your headset and this computer.</source>
        <translation>Checking the VPN, the voice path, your headset and this computer.</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>Measured</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <source>A test tone is playing in your headset. Did you hear it?</source>
        <translation>A test tone is playing in your headset. Did you hear it?</translation>
    </message>
    <message>
        <source>Yes, I heard it</source>
        <translation>Yes, I heard it</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Check again</translation>
    </message>
    <message>
        <source>Continue to sign-in</source>
        <translation>Continue to sign-in</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Checking: %1</source>
        <translation>Checking: %1</translation>
    </message>
    <message>
        <source>Finished in %1 s</source>
        <translation>Finished in %1 s</translation>
    </message>
    <message>
        <source>The health check could not run.</source>
        <translation>The health check could not run.</translation>
    </message>
    <message>
        <source>Sign-in is blocked until these are fixed: %1</source>
        <translation>Sign-in is blocked until these are fixed: %1</translation>
    </message>
    <message>
        <source>Some checks failed. Follow the advice above.</source>
        <translation>Some checks failed. Follow the advice above.</translation>
    </message>
    <message>
        <source>You can sign in, but some checks warn. Follow the advice above.</source>
        <translation>You can sign in, but some checks warn. Follow the advice above.</translation>
    </message>
    <message>
        <source>Everything is ready for your shift.</source>
        <translation>Everything is ready for your shift.</translation>
    </message>
</context>
<context>
    <name>VpnBanner</name>
    <message>
        <source>Check again</source>
        <translation>Check again</translation>
    </message>
    <message>
        <source>VPN connection lost: calls and tickets will not work until it is back. Reconnect the VPN.</source>
        <translation>VPN connection lost: calls and tickets will not work until it is back. Reconnect the VPN.</translation>
    </message>
    <message>
        <source>VPN connection restored.</source>
        <translation>VPN connection restored.</translation>
    </message>
</context>
</TS>
