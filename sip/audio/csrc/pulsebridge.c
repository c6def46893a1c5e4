/*
 * sip.audio._pulsebridge: the operating-system half of the headset bridge in C, on libpulse (Linux).
 *
 * Why: with PortAudio callbacks in Python (sounddevice/cffi) every 10 ms block of each direction took the GIL, and
 * each block went PortAudio thread -> ALSA "pulse" plugin -> its own libpulse thread -> PulseAudio. Here one
 * libpulse threaded main loop (one thread, "threaded-ml") serves both talk streams; its callbacks copy audio
 * between PulseAudio and two lock-free single-producer/single-consumer rings and never touch Python or the GIL.
 * Python (pjmedia's clock thread, through the AudioMediaPort) moves one 20 ms frame per direction per tick with
 * Ring.push() / Ring.pop(). See docs/audio.md ("Native path").
 *
 * Objects:
 *   Ring(capacity, target, headroom, step, pop_size, window)  SPSC byte ring with the drift/underrun policy.
 *   Context(server, client_name)                              one PulseAudio connection + threaded main loop.
 *   Context.open(direction, device, latency, ring, cue, role) -> Stream (connected corked; start() uncorks).
 *
 * Threads: Ring producer and consumer each run on one thread at a time (a Ring is given to at most one stream);
 * reset()/clear() from any other thread are requests the consumer carries out at its next pop. Context/Stream
 * methods run on Python threads and take the main loop's lock; blocking waits release the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <pulse/pulseaudio.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ============================================================================================== Ring */

typedef struct {
    PyObject_HEAD
    uint8_t *buf;
    size_t cap;
    _Atomic uint64_t w; /* bytes ever written (producer) */
    _Atomic uint64_t r; /* bytes ever read (consumer) */
    /* policy (set at creation) */
    size_t target;   /* bytes wanted before the first pop after a reset */
    size_t headroom; /* how far underruns may raise the floor */
    size_t step;     /* the producer's unit: floor steps and drift drops are in these */
    size_t pop_size; /* bytes per pop */
    unsigned window; /* pops per statistics window (50 = 1 s at 20 ms) */
    /* consumer-owned state */
    size_t floor;
    int buffering;
    int settled;
    unsigned pops;
    size_t win_min;
    unsigned high_windows;
    size_t debt;          /* silence the consumer played for underruns and the raised floor did not absorb */
    unsigned calm_windows; /* windows without a standing excess since the last underrun */
    double mean; /* long average of the fill seen at pops (bytes; exponential, ~5 s) */
    /* requests from other threads, carried out by the consumer */
    _Atomic int reset_req;
    _Atomic long trim_req; /* -1: none; otherwise keep this many bytes */
    /* statistics (written by one side, read by anyone) */
    _Atomic uint64_t frames, underruns, overruns, drift_drops, burst_drops, max_depth, hard_drops;
} Ring;

/* How many consecutive 1 s windows the standing excess must last before it counts as clock drift. A scheduling
 * hiccup can leave one window high; the two clocks' real drift (tens of ppm) needs minutes to build a block. */
#define DRIFT_WINDOWS 4
/* A standing excess this many steps large (e.g. an output that stalled at start while pjmedia kept pushing) is
 * removed at once at the end of the window: one skip back to the floor, counted as a backlog drop. */
#define BURST_STEPS 3

static inline size_t
ring_fill(Ring *q)
{
    return (size_t)(atomic_load_explicit(&q->w, memory_order_acquire) -
                    atomic_load_explicit(&q->r, memory_order_acquire));
}

static inline void
stat_inc(_Atomic uint64_t *v)
{
    atomic_fetch_add_explicit(v, 1, memory_order_relaxed);
}

/* Producer: append n bytes; when there is no room the new data is dropped (an overrun). */
static void
ring_push(Ring *q, const uint8_t *data, size_t n)
{
    uint64_t w = atomic_load_explicit(&q->w, memory_order_relaxed);
    uint64_t r = atomic_load_explicit(&q->r, memory_order_acquire);
    size_t fill = (size_t)(w - r);
    if (n > q->cap - fill) {
        stat_inc(&q->overruns);
        return;
    }
    size_t pos = (size_t)(w % q->cap);
    size_t first = q->cap - pos < n ? q->cap - pos : n;
    memcpy(q->buf + pos, data, first);
    if (first < n)
        memcpy(q->buf, data + first, n - first);
    atomic_store_explicit(&q->w, w + n, memory_order_release);
    fill += n;
    if (fill > atomic_load_explicit(&q->max_depth, memory_order_relaxed))
        atomic_store_explicit(&q->max_depth, fill, memory_order_relaxed);
}

static void
ring_skip(Ring *q, size_t n)
{
    atomic_fetch_add_explicit(&q->r, n, memory_order_release);
}

static void
ring_restart(Ring *q)
{
    q->floor = q->target;
    q->buffering = 1;
    q->settled = 0;
    q->pops = 0;
    q->win_min = SIZE_MAX;
    q->high_windows = 0;
    q->debt = 0;
    q->calm_windows = 0;
    q->mean = (double)q->target;
}

/* Consumer: one pop of q->pop_size bytes into out. Returns 1 with audio, 0 when out was filled with silence. */
static int
ring_pop(Ring *q, uint8_t *out)
{
    size_t n = q->pop_size;
    if (atomic_exchange_explicit(&q->reset_req, 0, memory_order_acq_rel)) {
        ring_skip(q, ring_fill(q));
        ring_restart(q);
    }
    long keep = atomic_exchange_explicit(&q->trim_req, -1, memory_order_acq_rel);
    if (keep >= 0) {
        size_t fill = ring_fill(q);
        if (fill > (size_t)keep)
            ring_skip(q, (fill - (size_t)keep) / q->step * q->step);
    }
    size_t fill = ring_fill(q);
    if (q->buffering) {
        if (fill < q->target)
            goto silence;
        q->buffering = 0;
        /* Start with exactly the target queued: what piled up while the consumer was not taking yet (a
         * PulseAudio output may stall for a while after it starts) would otherwise stand as latency. */
        if (fill - q->target >= q->step) {
            ring_skip(q, (fill - q->target) / q->step * q->step);
            fill = ring_fill(q);
        }
    }
    if (fill < n) {
        stat_inc(&q->underruns);
        /* The late data is kept when it comes: raise the floor so that it is not taken for drift. What the
         * raised floor cannot absorb is owed: when the producer catches up, that excess is the stall's, not
         * the clocks'. */
        q->debt += n;
        q->calm_windows = 0;
        if (q->settled && q->floor + q->step <= q->target + q->headroom) {
            q->floor += q->step;
            q->debt = q->debt > q->step ? q->debt - q->step : 0;
        }
        goto silence;
    }
    q->mean += ((double)fill - q->mean) / (double)(q->window * 5);
    if (fill < q->win_min)
        q->win_min = fill;
    if (++q->pops >= q->window) {
        /* The standing excess: even the smallest fill of the window was above the floor. */
        size_t excess = q->win_min > q->floor ? q->win_min - q->floor : 0;
        q->settled = 1;
        q->pops = 0;
        q->win_min = SIZE_MAX;
        if (excess >= q->step * BURST_STEPS) {
            /* One skip back to the floor: a single discontinuity instead of one per second. */
            ring_skip(q, excess / q->step * q->step);
            stat_inc(&q->burst_drops);
            q->high_windows = 0;
            q->debt = 0;
            q->mean = (double)q->floor;
        } else if (excess >= q->step && q->debt >= q->step) {
            /* The producer caught up after an underrun: the backlog is the stall's; remove it now. */
            ring_skip(q, q->step);
            stat_inc(&q->burst_drops);
            q->debt -= q->step;
            q->high_windows = 0;
        } else if (excess >= q->step && q->mean >= (double)q->floor + (double)q->step / 2) {
            if (++q->high_windows >= DRIFT_WINDOWS) {
                ring_skip(q, q->step);
                stat_inc(&q->drift_drops);
                q->high_windows = 0;
            }
        } else {
            q->high_windows = 0;
            /* No catch-up came within ~10 s: what was owed was lost on the way (not queued), forget it. */
            if (q->debt && ++q->calm_windows >= 10)
                q->debt = 0;
        }
        fill = ring_fill(q);
        if (fill < n)
            goto silence;
    }
    {
        uint64_t r = atomic_load_explicit(&q->r, memory_order_relaxed);
        size_t pos = (size_t)(r % q->cap);
        size_t first = q->cap - pos < n ? q->cap - pos : n;
        memcpy(out, q->buf + pos, first);
        if (first < n)
            memcpy(out + first, q->buf, n - first);
        atomic_store_explicit(&q->r, r + n, memory_order_release);
    }
    stat_inc(&q->frames);
    return 1;
silence:
    memset(out, 0, n);
    return 0;
}

static int
Ring_init(Ring *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"capacity", "target", "headroom", "step", "pop_size", "window", NULL};
    Py_ssize_t cap, target, headroom, step, pop_size;
    unsigned int window = 50;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nnnnn|I", kwlist, &cap, &target, &headroom, &step, &pop_size,
                                     &window))
        return -1;
    if (step <= 0 || pop_size <= 0 || target < pop_size || headroom < 0 || cap < target + headroom + pop_size ||
        window == 0) {
        PyErr_SetString(PyExc_ValueError, "need 0 < pop_size <= target, step > 0, capacity >= target+headroom+pop");
        return -1;
    }
    PyMem_Free(self->buf);
    self->buf = PyMem_Calloc((size_t)cap, 1);
    if (!self->buf) {
        PyErr_NoMemory();
        return -1;
    }
    self->cap = (size_t)cap;
    self->target = (size_t)target;
    self->headroom = (size_t)headroom;
    self->step = (size_t)step;
    self->pop_size = (size_t)pop_size;
    self->window = window;
    atomic_store(&self->w, 0);
    atomic_store(&self->r, 0);
    atomic_store(&self->reset_req, 0);
    atomic_store(&self->trim_req, -1);
    ring_restart(self);
    return 0;
}

static void
Ring_dealloc(Ring *self)
{
    PyMem_Free(self->buf);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Ring_push(Ring *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    ring_push(self, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *
Ring_pop(Ring *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)self->pop_size);
    if (!out)
        return NULL;
    if (!ring_pop(self, (uint8_t *)PyBytes_AS_STRING(out))) {
        Py_DECREF(out);
        Py_RETURN_NONE;
    }
    return out;
}

static PyObject *
Ring_reset(Ring *self, PyObject *Py_UNUSED(ignored))
{
    atomic_store_explicit(&self->reset_req, 1, memory_order_release);
    Py_RETURN_NONE;
}

static PyObject *
Ring_clear(Ring *self, PyObject *args)
{
    Py_ssize_t keep = 0;
    if (!PyArg_ParseTuple(args, "|n", &keep))
        return NULL;
    size_t fill = ring_fill(self);
    atomic_store_explicit(&self->trim_req, (long)keep, memory_order_release);
    return PyLong_FromSize_t(fill > (size_t)keep ? fill - (size_t)keep : 0);
}

static PyObject *
Ring_reset_stats(Ring *self, PyObject *Py_UNUSED(ignored))
{
    atomic_store(&self->frames, 0);
    atomic_store(&self->underruns, 0);
    atomic_store(&self->overruns, 0);
    atomic_store(&self->drift_drops, 0);
    atomic_store(&self->burst_drops, 0);
    atomic_store(&self->max_depth, 0);
    Py_RETURN_NONE;
}

static PyObject *
Ring_stats(Ring *self, PyObject *Py_UNUSED(ignored))
{
    return Py_BuildValue(
        "{s:K,s:K,s:K,s:K,s:K,s:K,s:n,s:d}", "frames", (unsigned long long)atomic_load(&self->frames), "underruns",
        (unsigned long long)atomic_load(&self->underruns), "overruns", (unsigned long long)atomic_load(&self->overruns),
        "drift_drops", (unsigned long long)atomic_load(&self->drift_drops), "burst_drops",
        (unsigned long long)atomic_load(&self->burst_drops), "max_depth",
        (unsigned long long)atomic_load(&self->max_depth), "floor", (Py_ssize_t)self->floor, "mean_depth", self->mean);
}

static Py_ssize_t
Ring_len(Ring *self)
{
    return (Py_ssize_t)ring_fill(self);
}

static PyMethodDef Ring_methods[] = {
    {"push", (PyCFunction)Ring_push, METH_O, "Producer: append bytes (dropped, counted as an overrun, when full)."},
    {"pop", (PyCFunction)Ring_pop, METH_NOARGS, "Consumer: pop_size bytes, or None (send silence)."},
    {"reset", (PyCFunction)Ring_reset, METH_NOARGS, "Empty and re-buffer (carried out at the next pop)."},
    {"clear", (PyCFunction)Ring_clear, METH_VARARGS, "Keep only the newest `keep` bytes (at the next pop)."},
    {"stats", (PyCFunction)Ring_stats, METH_NOARGS, "Counters as a dict."},
    {"reset_stats", (PyCFunction)Ring_reset_stats, METH_NOARGS, "Zero the counters."},
    {NULL}};

static PyMemberDef Ring_members[] = {
    {"pop_size", T_PYSSIZET, offsetof(Ring, pop_size), READONLY, "bytes per pop"},
    {"target", T_PYSSIZET, offsetof(Ring, target), READONLY, "bytes buffered before the first pop"},
    {"floor", T_PYSSIZET, offsetof(Ring, floor), READONLY, "the floor in force (bytes)"},
    {"capacity", T_PYSSIZET, offsetof(Ring, cap), READONLY, "bytes"},
    {NULL}};

static PySequenceMethods Ring_as_sequence = {.sq_length = (lenfunc)Ring_len};

static PyTypeObject RingType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "sip.audio._pulsebridge.Ring",
    .tp_basicsize = sizeof(Ring),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Lock-free single-producer/single-consumer byte ring with underrun, overrun and drift handling.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Ring_init,
    .tp_dealloc = (destructor)Ring_dealloc,
    .tp_methods = Ring_methods,
    .tp_members = Ring_members,
    .tp_as_sequence = &Ring_as_sequence,
};

/* ============================================================================================== Context */

typedef struct {
    PyObject_HEAD
    pa_threaded_mainloop *ml;
    pa_context *ctx;
    int rt_priority;          /* SCHED_FIFO priority for the loop thread; 0: leave */
    _Atomic int rt_state;     /* 0: not tried, 1: real-time, -1: refused */
    _Atomic long thread_id;   /* the loop thread's native id, once it ran a stream callback */
} Context;

typedef struct {
    PyObject_HEAD
    Context *owner;
    pa_stream *s;
    int output;
    Ring *ring;
    Ring *cue;
    uint8_t *stage; /* output: the rest of the frame last popped */
    size_t stage_len, stage_pos;
    double started;
    double last_cb;
    int corked;
    /* statistics (loop thread writes, Python reads) */
    _Atomic uint64_t callbacks, xruns;
    double max_gap, delay_sum;
    uint64_t delay_n;
    _Atomic int peak;
} Stream;

#define WARMUP_S 1.0

static void
adopt_thread(Context *c)
{
    if (atomic_load_explicit(&c->rt_state, memory_order_relaxed) != 0)
        return;
    atomic_store(&c->thread_id, (long)syscall(SYS_gettid));
    if (c->rt_priority <= 0) {
        atomic_store(&c->rt_state, -1);
        return;
    }
    struct sched_param p = {.sched_priority = c->rt_priority};
    int ok = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &p) == 0;
    atomic_store(&c->rt_state, ok ? 1 : -1);
}

static void
ctx_state_cb(pa_context *ctx, void *userdata)
{
    (void)ctx;
    pa_threaded_mainloop_signal(((Context *)userdata)->ml, 0);
}

/* Called with the loop locked (the caller has released the GIL): waits until done(arg) or the timeout. The state
 * callbacks signal the loop, but pa_threaded_mainloop_wait has no timeout, so this polls in 2 ms slices; it only
 * runs while opening, starting or closing a stream, never on the audio path. */
typedef int (*done_fn)(void *);

static int
wait_until(Context *c, done_fn done, void *arg, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    while (!done(arg)) {
        if (now_s() > deadline)
            return 0;
        pa_threaded_mainloop_unlock(c->ml);
        usleep(2000);
        pa_threaded_mainloop_lock(c->ml);
    }
    return 1;
}

static int
ctx_settled(void *arg)
{
    pa_context_state_t st = pa_context_get_state((pa_context *)arg);
    return st == PA_CONTEXT_READY || !PA_CONTEXT_IS_GOOD(st);
}

static void
Context_close_internal(Context *self)
{
    if (self->ml) {
        pa_threaded_mainloop_lock(self->ml);
        if (self->ctx) {
            pa_context_set_state_callback(self->ctx, NULL, NULL);
            pa_context_disconnect(self->ctx);
            pa_context_unref(self->ctx);
            self->ctx = NULL;
        }
        pa_threaded_mainloop_unlock(self->ml);
        pa_threaded_mainloop_stop(self->ml);
        pa_threaded_mainloop_free(self->ml);
        self->ml = NULL;
    }
}

static int
Context_init(Context *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"server", "client_name", "rt_priority", "timeout", NULL};
    const char *server = NULL, *name = "AgentDesk";
    int rt = 0;
    double timeout = 5.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|zsid", kwlist, &server, &name, &rt, &timeout))
        return -1;
    Context_close_internal(self);
    self->rt_priority = rt;
    atomic_store(&self->rt_state, 0);
    atomic_store(&self->thread_id, 0);
    self->ml = pa_threaded_mainloop_new();
    if (!self->ml) {
        PyErr_SetString(PyExc_OSError, "pa_threaded_mainloop_new failed");
        return -1;
    }
    pa_proplist *props = pa_proplist_new();
    pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, name);
    pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, "phone");
    self->ctx = pa_context_new_with_proplist(pa_threaded_mainloop_get_api(self->ml), name, props);
    pa_proplist_free(props);
    if (!self->ctx) {
        Context_close_internal(self);
        PyErr_SetString(PyExc_OSError, "pa_context_new failed");
        return -1;
    }
    pa_context_set_state_callback(self->ctx, ctx_state_cb, self);
    int ok = 0;
    const char *err = "connection failed";
    Py_BEGIN_ALLOW_THREADS;
    pa_threaded_mainloop_lock(self->ml);
    if (pa_context_connect(self->ctx, server, PA_CONTEXT_NOAUTOSPAWN, NULL) >= 0 &&
        pa_threaded_mainloop_start(self->ml) >= 0) {
        if (!wait_until(self, ctx_settled, self->ctx, timeout))
            err = "timed out connecting to the sound server";
        else if (pa_context_get_state(self->ctx) == PA_CONTEXT_READY)
            ok = 1;
        else
            err = pa_strerror(pa_context_errno(self->ctx));
    } else {
        err = pa_strerror(pa_context_errno(self->ctx));
    }
    pa_threaded_mainloop_unlock(self->ml);
    Py_END_ALLOW_THREADS;
    if (!ok) {
        PyErr_Format(PyExc_ConnectionError, "PulseAudio: %s", err);
        Context_close_internal(self);
        return -1;
    }
    return 0;
}

static void
Context_dealloc(Context *self)
{
    Py_BEGIN_ALLOW_THREADS;
    Context_close_internal(self);
    Py_END_ALLOW_THREADS;
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Context_get_connected(Context *self, void *closure)
{
    (void)closure;
    int ok = 0;
    if (self->ml && self->ctx) {
        pa_threaded_mainloop_lock(self->ml);
        ok = pa_context_get_state(self->ctx) == PA_CONTEXT_READY;
        pa_threaded_mainloop_unlock(self->ml);
    }
    return PyBool_FromLong(ok);
}

static PyObject *
Context_get_realtime(Context *self, void *closure)
{
    (void)closure;
    int st = atomic_load(&self->rt_state);
    if (st == 0)
        Py_RETURN_NONE;
    return PyBool_FromLong(st > 0);
}

static PyObject *
Context_get_thread_id(Context *self, void *closure)
{
    (void)closure;
    return PyLong_FromLong(atomic_load(&self->thread_id));
}

/* ---------------------------------------------------------------------------------------------- stream callbacks */

static void
note_callback(Stream *st)
{
    adopt_thread(st->owner);
    double t = now_s();
    if (t - st->started > WARMUP_S && st->last_cb > 0 && t - st->last_cb > st->max_gap)
        st->max_gap = t - st->last_cb;
    st->last_cb = t;
    atomic_fetch_add_explicit(&st->callbacks, 1, memory_order_relaxed);
}

static void
note_delay(Stream *st)
{
    if (now_s() - st->started <= WARMUP_S)
        return;
    pa_usec_t usec;
    int negative = 0;
    if (pa_stream_get_latency(st->s, &usec, &negative) == 0 && !negative) {
        st->delay_sum += (double)usec / 1e6;
        st->delay_n++;
    }
}

static void
mix_into(int16_t *dst, const int16_t *src, size_t samples)
{
    for (size_t i = 0; i < samples; i++) {
        int32_t v = (int32_t)dst[i] + src[i];
        dst[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

static void
write_cb(pa_stream *s, size_t nbytes, void *userdata)
{
    Stream *st = userdata;
    note_callback(st);
    while (nbytes > 0) {
        void *data = NULL;
        size_t n = nbytes;
        if (pa_stream_begin_write(s, &data, &n) < 0 || !data || n == 0)
            break;
        n -= n % 2;
        size_t done = 0;
        while (done < n) {
            if (st->stage_pos >= st->stage_len) {
                ring_pop(st->ring, st->stage);
                if (st->cue && ring_fill(st->cue) >= st->cue->pop_size) {
                    uint8_t cue[4096];
                    size_t len = st->cue->pop_size <= sizeof cue ? st->cue->pop_size : sizeof cue;
                    if (ring_pop(st->cue, cue))
                        mix_into((int16_t *)st->stage, (const int16_t *)cue, len / 2);
                }
                st->stage_pos = 0;
            }
            size_t take = st->stage_len - st->stage_pos;
            if (take > n - done)
                take = n - done;
            memcpy((uint8_t *)data + done, st->stage + st->stage_pos, take);
            st->stage_pos += take;
            done += take;
        }
        if (pa_stream_write(s, data, n, NULL, 0, PA_SEEK_RELATIVE) < 0)
            break;
        nbytes -= n < nbytes ? n : nbytes;
    }
    note_delay(st);
}

static void
read_cb(pa_stream *s, size_t nbytes, void *userdata)
{
    (void)nbytes;
    Stream *st = userdata;
    note_callback(st);
    for (;;) {
        const void *data = NULL;
        size_t n = 0;
        if (pa_stream_peek(s, &data, &n) < 0 || n == 0)
            break;
        if (data) {
            ring_push(st->ring, data, n);
            const int16_t *smp = data;
            int peak = 0;
            for (size_t i = 0; i < n / 2; i++) {
                int v = smp[i] < 0 ? -(int)smp[i] : smp[i];
                if (v > peak)
                    peak = v;
            }
            atomic_store_explicit(&st->peak, peak, memory_order_relaxed);
        }
        /* data == NULL with n > 0 is a hole (lost capture data): dropped. */
        pa_stream_drop(s);
    }
    note_delay(st);
}

static void
xrun_cb(pa_stream *s, void *userdata)
{
    (void)s;
    Stream *st = userdata;
    if (now_s() - st->started > WARMUP_S)
        atomic_fetch_add_explicit(&st->xruns, 1, memory_order_relaxed);
}

static void
stream_state_cb(pa_stream *s, void *userdata)
{
    (void)s;
    pa_threaded_mainloop_signal(((Stream *)userdata)->owner->ml, 0);
}

static void
success_cb(pa_stream *s, int success, void *userdata)
{
    (void)s;
    (void)success;
    pa_threaded_mainloop_signal(((Stream *)userdata)->owner->ml, 0);
}

static int
stream_settled(void *arg)
{
    pa_stream_state_t st = pa_stream_get_state((pa_stream *)arg);
    return st == PA_STREAM_READY || !PA_STREAM_IS_GOOD(st);
}

static int
op_done(void *arg)
{
    return pa_operation_get_state((pa_operation *)arg) != PA_OPERATION_RUNNING;
}

/* Called with the loop locked. */
static void
stream_disconnect_locked(Stream *self)
{
    if (!self->s)
        return;
    pa_stream_set_state_callback(self->s, NULL, NULL);
    pa_stream_set_write_callback(self->s, NULL, NULL);
    pa_stream_set_read_callback(self->s, NULL, NULL);
    pa_stream_set_underflow_callback(self->s, NULL, NULL);
    pa_stream_set_overflow_callback(self->s, NULL, NULL);
    pa_stream_disconnect(self->s);
    pa_stream_unref(self->s);
    self->s = NULL;
}

static PyTypeObject StreamType;

static PyObject *
Context_open(Context *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"output", "device", "latency", "ring", "cue", "role", "rate", "timeout", NULL};
    int output;
    const char *device = NULL, *role = "phone";
    double latency;
    Ring *ring;
    PyObject *cue_obj = Py_None;
    unsigned int rate = 16000;
    double timeout = 5.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "pzdO!|OsId", kwlist, &output, &device, &latency, &RingType, &ring,
                                     &cue_obj, &role, &rate, &timeout))
        return NULL;
    if (cue_obj != Py_None && !PyObject_TypeCheck(cue_obj, &RingType)) {
        PyErr_SetString(PyExc_TypeError, "cue must be a Ring or None");
        return NULL;
    }
    if (!self->ctx) {
        PyErr_SetString(PyExc_ConnectionError, "PulseAudio context closed");
        return NULL;
    }
    Stream *st = (Stream *)StreamType.tp_alloc(&StreamType, 0);
    if (!st)
        return NULL;
    st->stage = PyMem_Calloc(ring->pop_size, 1);
    if (!st->stage) {
        Py_DECREF(st);
        return PyErr_NoMemory();
    }
    Py_INCREF(self);
    st->owner = self;
    st->output = output;
    Py_INCREF(ring);
    st->ring = ring;
    if (cue_obj != Py_None) {
        Py_INCREF(cue_obj);
        st->cue = (Ring *)cue_obj;
    }
    st->stage_len = ring->pop_size;
    st->stage_pos = ring->pop_size; /* empty: pop on the first request */
    st->corked = 1;

    pa_sample_spec spec = {.format = PA_SAMPLE_S16LE, .rate = rate, .channels = 1};
    size_t bytes = pa_usec_to_bytes((pa_usec_t)(latency * 1e6), &spec);
    size_t half = pa_usec_to_bytes(10000, &spec); /* 10 ms: the request/fragment size */
    pa_buffer_attr attr;
    attr.maxlength = (uint32_t)-1;
    attr.prebuf = (uint32_t)-1;
    if (output) {
        attr.tlength = (uint32_t)bytes;
        attr.minreq = (uint32_t)(half < bytes ? half : bytes / 2);
        attr.fragsize = (uint32_t)-1;
    } else {
        attr.fragsize = (uint32_t)(half < bytes ? half : bytes);
        attr.tlength = attr.minreq = (uint32_t)-1;
    }
    pa_stream_flags_t flags = PA_STREAM_START_CORKED | PA_STREAM_ADJUST_LATENCY | PA_STREAM_INTERPOLATE_TIMING |
                              PA_STREAM_AUTO_TIMING_UPDATE;
    const char *err = NULL;
    Py_BEGIN_ALLOW_THREADS;
    pa_threaded_mainloop_lock(self->ml);
    pa_proplist *props = pa_proplist_new();
    pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, role);
    st->s = pa_stream_new_with_proplist(self->ctx, output ? "call-output" : "call-input", &spec, NULL, props);
    pa_proplist_free(props);
    if (!st->s) {
        err = pa_strerror(pa_context_errno(self->ctx));
    } else {
        pa_stream_set_state_callback(st->s, stream_state_cb, st);
        int rc;
        if (output) {
            pa_stream_set_write_callback(st->s, write_cb, st);
            pa_stream_set_underflow_callback(st->s, xrun_cb, st);
            rc = pa_stream_connect_playback(st->s, device, &attr, flags, NULL, NULL);
        } else {
            pa_stream_set_read_callback(st->s, read_cb, st);
            pa_stream_set_overflow_callback(st->s, xrun_cb, st);
            rc = pa_stream_connect_record(st->s, device, &attr, flags);
        }
        if (rc < 0)
            err = pa_strerror(pa_context_errno(self->ctx));
        else if (!wait_until(self, stream_settled, st->s, timeout))
            err = "timed out opening the stream";
        else if (pa_stream_get_state(st->s) != PA_STREAM_READY)
            err = pa_strerror(pa_context_errno(self->ctx));
        if (err)
            stream_disconnect_locked(st);
    }
    pa_threaded_mainloop_unlock(self->ml);
    Py_END_ALLOW_THREADS;
    if (err) {
        PyErr_Format(PyExc_OSError, "PulseAudio %s stream on %s: %s", output ? "output" : "input",
                     device ? device : "the default device", err);
        Py_DECREF(st);
        return NULL;
    }
    return (PyObject *)st;
}

static PyMethodDef Context_methods[] = {
    {"open", (PyCFunction)(void (*)(void))Context_open, METH_VARARGS | METH_KEYWORDS,
     "open(output, device, latency, ring, cue=None, role='phone', rate=16000, timeout=5.0) -> Stream (corked)"},
    {NULL}};

static PyGetSetDef Context_getset[] = {
    {"connected", (getter)Context_get_connected, NULL, "the connection to the sound server is up", NULL},
    {"realtime", (getter)Context_get_realtime, NULL, "loop thread real-time: True/False, None before a callback",
     NULL},
    {"thread_id", (getter)Context_get_thread_id, NULL, "native id of the loop thread (0 before a callback)", NULL},
    {NULL}};

static PyTypeObject ContextType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "sip.audio._pulsebridge.Context",
    .tp_basicsize = sizeof(Context),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One connection to PulseAudio with a threaded main loop serving every stream opened on it.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Context_init,
    .tp_dealloc = (destructor)Context_dealloc,
    .tp_methods = Context_methods,
    .tp_getset = Context_getset,
};

/* ============================================================================================== Stream */

static PyObject *
stream_cork(Stream *self, int cork)
{
    Context *c = self->owner;
    int ok = 1;
    Py_BEGIN_ALLOW_THREADS;
    pa_threaded_mainloop_lock(c->ml);
    if (self->s && pa_stream_get_state(self->s) == PA_STREAM_READY) {
        if (!cork) {
            self->started = now_s();
            self->last_cb = 0;
        }
        pa_operation *op = pa_stream_cork(self->s, cork, success_cb, self);
        if (op) {
            wait_until(c, op_done, op, 2.0);
            pa_operation_unref(op);
        } else {
            ok = 0;
        }
        self->corked = cork;
    } else {
        ok = 0;
    }
    pa_threaded_mainloop_unlock(c->ml);
    Py_END_ALLOW_THREADS;
    if (!ok && !cork) {
        PyErr_SetString(PyExc_OSError, "stream is not ready");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* A new buffer size on the running stream (pa_stream_set_buffer_attr): the output grows after device underflows
   without the gap of a reopen. Output: tlength (the request stays 10 ms); input: fragsize. */
static PyObject *
Stream_set_latency(Stream *self, PyObject *arg)
{
    double latency = PyFloat_AsDouble(arg);
    if (latency == -1.0 && PyErr_Occurred())
        return NULL;
    if (!(latency > 0.0 && latency <= 2.0)) {
        PyErr_SetString(PyExc_ValueError, "latency must be in (0, 2] seconds");
        return NULL;
    }
    Context *c = self->owner;
    int ok = 0;
    if (c && c->ml) {
        Py_BEGIN_ALLOW_THREADS;
        pa_threaded_mainloop_lock(c->ml);
        if (self->s && pa_stream_get_state(self->s) == PA_STREAM_READY) {
            const pa_sample_spec *spec = pa_stream_get_sample_spec(self->s);
            size_t bytes = pa_usec_to_bytes((pa_usec_t)(latency * 1e6), spec);
            size_t half = pa_usec_to_bytes(10000, spec);
            pa_buffer_attr attr;
            attr.maxlength = (uint32_t)-1;
            attr.prebuf = (uint32_t)-1;
            if (self->output) {
                attr.tlength = (uint32_t)bytes;
                attr.minreq = (uint32_t)(half < bytes ? half : bytes / 2);
                attr.fragsize = (uint32_t)-1;
            } else {
                attr.fragsize = (uint32_t)(half < bytes ? half : bytes);
                attr.tlength = attr.minreq = (uint32_t)-1;
            }
            pa_operation *op = pa_stream_set_buffer_attr(self->s, &attr, success_cb, self);
            if (op) {
                wait_until(c, op_done, op, 2.0);
                ok = pa_operation_get_state(op) == PA_OPERATION_DONE;
                pa_operation_unref(op);
            }
        }
        pa_threaded_mainloop_unlock(c->ml);
        Py_END_ALLOW_THREADS;
    }
    if (!ok) {
        PyErr_SetString(PyExc_OSError, "could not change the stream's buffer (stream not ready)");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
Stream_start(Stream *self, PyObject *Py_UNUSED(ignored))
{
    return stream_cork(self, 0);
}

static PyObject *
Stream_stop(Stream *self, PyObject *Py_UNUSED(ignored))
{
    return stream_cork(self, 1);
}

static PyObject *
Stream_close(Stream *self, PyObject *Py_UNUSED(ignored))
{
    Context *c = self->owner;
    if (c && c->ml && self->s) {
        Py_BEGIN_ALLOW_THREADS;
        pa_threaded_mainloop_lock(c->ml);
        stream_disconnect_locked(self);
        pa_threaded_mainloop_unlock(c->ml);
        Py_END_ALLOW_THREADS;
    }
    Py_RETURN_NONE;
}

static void
Stream_dealloc(Stream *self)
{
    Context *c = self->owner;
    if (c && c->ml && self->s) {
        Py_BEGIN_ALLOW_THREADS;
        pa_threaded_mainloop_lock(c->ml);
        stream_disconnect_locked(self);
        pa_threaded_mainloop_unlock(c->ml);
        Py_END_ALLOW_THREADS;
    }
    PyMem_Free(self->stage);
    Py_XDECREF(self->ring);
    Py_XDECREF(self->cue);
    Py_XDECREF(self->owner);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Stream_get_active(Stream *self, void *closure)
{
    (void)closure;
    Context *c = self->owner;
    int ok = 0;
    if (c && c->ml && self->s) {
        pa_threaded_mainloop_lock(c->ml);
        ok = pa_stream_get_state(self->s) == PA_STREAM_READY && !self->corked;
        pa_threaded_mainloop_unlock(c->ml);
    }
    return PyBool_FromLong(ok);
}

static PyObject *
Stream_get_latency(Stream *self, void *closure)
{
    (void)closure;
    Context *c = self->owner;
    double latency = 0.0;
    if (c && c->ml && self->s) {
        pa_threaded_mainloop_lock(c->ml);
        const pa_buffer_attr *a = pa_stream_get_buffer_attr(self->s);
        const pa_sample_spec *spec = pa_stream_get_sample_spec(self->s);
        if (a && spec)
            latency = (double)pa_bytes_to_usec(self->output ? a->tlength : a->fragsize, spec) / 1e6;
        pa_threaded_mainloop_unlock(c->ml);
    }
    return PyFloat_FromDouble(latency);
}

static PyObject *
Stream_get_device(Stream *self, void *closure)
{
    (void)closure;
    Context *c = self->owner;
    PyObject *name = NULL;
    if (c && c->ml && self->s) {
        pa_threaded_mainloop_lock(c->ml);
        const char *dev = pa_stream_get_state(self->s) == PA_STREAM_READY ? pa_stream_get_device_name(self->s) : NULL;
        if (dev)
            name = PyUnicode_FromString(dev);
        pa_threaded_mainloop_unlock(c->ml);
    }
    if (!name)
        Py_RETURN_NONE;
    return name;
}

static PyObject *
Stream_stats(Stream *self, PyObject *Py_UNUSED(ignored))
{
    Context *c = self->owner;
    double max_gap = 0, delay_sum = 0;
    unsigned long long delay_n = 0;
    if (c && c->ml) {
        pa_threaded_mainloop_lock(c->ml);
        max_gap = self->max_gap;
        delay_sum = self->delay_sum;
        delay_n = self->delay_n;
        pa_threaded_mainloop_unlock(c->ml);
    }
    return Py_BuildValue("{s:K,s:K,s:d,s:d,s:K}", "callbacks", (unsigned long long)atomic_load(&self->callbacks),
                         "xruns", (unsigned long long)atomic_load(&self->xruns), "max_gap", max_gap, "delay_sum",
                         delay_sum, "delay_n", delay_n);
}

static PyObject *
Stream_reset_stats(Stream *self, PyObject *Py_UNUSED(ignored))
{
    Context *c = self->owner;
    if (c && c->ml) {
        pa_threaded_mainloop_lock(c->ml);
        self->max_gap = 0;
        self->delay_sum = 0;
        self->delay_n = 0;
        atomic_store(&self->xruns, 0);
        pa_threaded_mainloop_unlock(c->ml);
    }
    Py_RETURN_NONE;
}

static PyObject *
Stream_get_xruns(Stream *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLongLong(atomic_load(&self->xruns));
}

static PyObject *
Stream_get_peak(Stream *self, void *closure)
{
    (void)closure;
    return PyLong_FromLong(atomic_load(&self->peak));
}

static PyMethodDef Stream_methods[] = {
    {"start", (PyCFunction)Stream_start, METH_NOARGS, "Uncork: audio flows."},
    {"stop", (PyCFunction)Stream_stop, METH_NOARGS, "Cork."},
    {"abort", (PyCFunction)Stream_stop, METH_NOARGS, "Cork (what is buffered is dropped at close)."},
    {"close", (PyCFunction)Stream_close, METH_NOARGS, "Disconnect (idempotent); no callback runs afterwards."},
    {"set_latency", (PyCFunction)Stream_set_latency, METH_O, "New buffer size (s) on the running stream."},
    {"stats", (PyCFunction)Stream_stats, METH_NOARGS, "callbacks, xruns, max_gap, delay_sum, delay_n"},
    {"reset_stats", (PyCFunction)Stream_reset_stats, METH_NOARGS, "Zero the statistics."},
    {NULL}};

static PyGetSetDef Stream_getset[] = {
    {"active", (getter)Stream_get_active, NULL, "connected and running", NULL},
    {"latency", (getter)Stream_get_latency, NULL, "the buffer PulseAudio granted (s)", NULL},
    {"device", (getter)Stream_get_device, NULL, "the PulseAudio device the stream is on now", NULL},
    {"xruns", (getter)Stream_get_xruns, NULL, "device underflows (output) / overflows (input) after warm-up", NULL},
    {"peak", (getter)Stream_get_peak, NULL, "input: peak of the latest fragment (0-32768)", NULL},
    {NULL}};

static PyTypeObject StreamType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "sip.audio._pulsebridge.Stream",
    .tp_basicsize = sizeof(Stream),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A half-duplex PulseAudio stream moving audio between the sound server and a Ring, in C.",
    .tp_dealloc = (destructor)Stream_dealloc,
    .tp_methods = Stream_methods,
    .tp_getset = Stream_getset,
};

/* ============================================================================================== module */

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pulsebridge",
    "The headset bridge's OS side in C on libpulse: lock-free rings and PulseAudio streams (see docs/audio.md).",
    -1, NULL};

PyMODINIT_FUNC
PyInit__pulsebridge(void)
{
    if (PyType_Ready(&RingType) < 0 || PyType_Ready(&ContextType) < 0 || PyType_Ready(&StreamType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    Py_INCREF(&RingType);
    Py_INCREF(&ContextType);
    Py_INCREF(&StreamType);
    if (PyModule_AddObject(m, "Ring", (PyObject *)&RingType) < 0 ||
        PyModule_AddObject(m, "Context", (PyObject *)&ContextType) < 0 ||
        PyModule_AddObject(m, "Stream", (PyObject *)&StreamType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
