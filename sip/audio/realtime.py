"""Real-time scheduling for the audio threads (Linux), so that a loaded machine cannot starve them.

Why: the bridge's three audio threads (PortAudio's input and output callback threads and pjmedia's clock thread)
each need a few hundred microseconds every 10–20 ms. At normal priority the kernel's fair scheduler shares the
cores among every runnable task: measured here with two CPU-bound processes and a test suite running (load
average 8–10), these threads were not run for 100–250 ms at a time, which is a device underrun, a dropped frame and
an audible gap however large the buffers are short of that. Every real-time audio program on Linux runs its audio
threads under ``SCHED_FIFO`` (PulseAudio and PipeWire through RealtimeKit, JACK clients, PortAudio's own
``PaAlsa_EnableRealtimeScheduling``); so does this bridge.

How (first successful wins, once per thread, from the thread itself):

1. ``sched_setscheduler(SCHED_FIFO | SCHED_RESET_ON_FORK)`` on the calling thread: works with ``CAP_SYS_NICE``
   (root) or a non-zero ``RLIMIT_RTPRIO`` (e.g. the ``audio`` group's limits on many distributions). One system
   call: cheap enough to make from the audio callback itself.
2. RealtimeKit (``org.freedesktop.RealtimeKit1`` on the system D-Bus; what PulseAudio and PipeWire use on every
   desktop distribution): a D-Bus round trip, so it runs on the engine's control thread, never in a callback.
   RealtimeKit requires ``RLIMIT_RTTIME`` to be set (it kills a runaway real-time thread instead of letting it hang
   the machine); we set it to RealtimeKit's maximum. ``jeepney`` (already a dependency of the keyring on Linux)
   speaks D-Bus.

When both fail the threads stay at normal priority, the bridge still works, and the log says so once.

Windows (WASAPI registers PortAudio's threads with MMCSS "Pro Audio") and macOS (Core Audio's I/O threads are
real-time) need nothing; pjmedia's clock thread stays at normal priority there (a native build would use the OS's
own audio clock).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Below the sound server's own threads (PulseAudio asks RealtimeKit for 5 and gets it; PipeWire's data thread 20
#: at RealtimeKit's default cap), so the server that feeds our streams is never preempted by us, and far above
#: every normal-priority task.
PRIORITY = 4

_RTKIT_NAME = "org.freedesktop.RealtimeKit1"
_RTKIT_PATH = "/org/freedesktop/RealtimeKit1"


def set_fifo(priority: int = PRIORITY, native_thread_id: int = 0) -> bool:
    """Make a thread of this process ``SCHED_FIFO`` (Linux, with the privilege for it; 0: the calling thread);
    False when not allowed."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        policy = os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0)
        os.sched_setscheduler(native_thread_id, policy, os.sched_param(priority))
    except (PermissionError, OSError, AttributeError):
        return False
    return True


def via_rtkit(native_thread_id: int, priority: int = PRIORITY) -> bool:
    """Ask RealtimeKit to make one of our threads real-time (blocking D-Bus call: never from an audio callback)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import resource

        from jeepney import DBusAddress, Properties, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return False
    try:
        with open_dbus_connection(bus="SYSTEM") as conn:
            rtkit = DBusAddress(_RTKIT_PATH, bus_name=_RTKIT_NAME, interface=_RTKIT_NAME)
            props = Properties(rtkit)
            max_prio = int(conn.send_and_get_reply(props.get("MaxRealtimePriority"), timeout=2).body[0][1])
            max_rttime = int(conn.send_and_get_reply(props.get("RTTimeUSecMax"), timeout=2).body[0][1])
            soft, _hard = resource.getrlimit(resource.RLIMIT_RTTIME)
            if soft == resource.RLIM_INFINITY or soft > max_rttime:
                resource.setrlimit(resource.RLIMIT_RTTIME, (max_rttime, max_rttime))
            call = new_method_call(rtkit, "MakeThreadRealtime", "tu", (native_thread_id, min(priority, max_prio)))
            conn.send_and_get_reply(call, timeout=2)
    except Exception as exc:  # no system bus, no RealtimeKit, refused: all mean "stay at normal priority"
        log.debug("RealtimeKit refused thread %s: %s", native_thread_id, exc)
        return False
    return True


#: Threads that move our audio without ever calling Python: libpulse's threaded main loop, one per stream opened
#: through ALSA's ``pulse`` plugin (it carries every block between PortAudio's thread and the sound server).
HELPER_THREAD_NAMES = ("threaded-ml",)


def helper_threads(names: tuple[str, ...] = HELPER_THREAD_NAMES) -> list[int]:
    """Native ids of this process's threads called one of ``names`` (Linux ``/proc``; empty elsewhere)."""
    found = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return []
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="ascii", errors="replace") as comm:
                if comm.read().strip() in names:
                    found.append(int(tid))
        except (OSError, ValueError):
            continue
    return found


def _is_realtime(native_thread_id: int) -> bool:
    try:
        return os.sched_getscheduler(native_thread_id) in (os.SCHED_FIFO, os.SCHED_RR)
    except (OSError, AttributeError):
        return False


class ThreadPromoter:
    """Promotes each audio thread once, the first time it calls ``adopt()`` (from the audio callback).

    ``adopt()`` costs one ``threading.get_ident()`` and a set lookup when the thread is known. For a new thread
    it tries ``set_fifo()`` right there; when that is not allowed it hands the thread's id to ``defer`` (the
    engine queues it to its control thread, which asks RealtimeKit).
    """

    def __init__(self, enabled: bool = True, defer: Callable[[int, str], None] | None = None) -> None:
        self.enabled = enabled
        self._defer = defer
        self._seen: set[int] = set()
        self.promoted: dict[str, bool] = {}  # thread role -> real-time (for stats and logs)
        self._warned = False

    def adopt(self, role: str) -> None:
        ident = threading.get_ident()
        if ident in self._seen:
            return
        self._seen.add(ident)
        if not self.enabled or ident == threading.main_thread().ident:  # never the GUI thread
            self.promoted[role] = False
            return
        if set_fifo():
            self.promoted[role] = True
            return
        self.promoted[role] = False
        if self._defer is not None:
            self._defer(threading.get_native_id(), role)

    def deferred(self, native_thread_id: int, role: str) -> None:
        """On the control thread: the RealtimeKit path for a thread ``adopt()`` could not promote itself."""
        ok = via_rtkit(native_thread_id)
        self.promoted[role] = ok
        if not ok and not self._warned:
            self._warned = True
            log.warning(
                "audio threads run at normal priority (no CAP_SYS_NICE, RLIMIT_RTPRIO or RealtimeKit): "
                "a heavily loaded computer may cause audio gaps"
            )

    def promote_helpers(self) -> None:
        """On the control thread, after a stream opened: promote the sound library's own I/O threads too. A starved
        libpulse thread stalls an audio stream as surely as a starved callback thread (measured: 150–400 ms gaps
        under load with only the callback threads real-time)."""
        if not self.enabled:
            return
        for tid in helper_threads():
            if _is_realtime(tid):
                continue
            ok = set_fifo(native_thread_id=tid) or via_rtkit(tid)
            self.promoted["libpulse"] = ok
