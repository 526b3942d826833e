/* stop.h - the stop signals (SIGINT, SIGTERM): one thread takes them, a pipe tells blocked readers. */
#ifndef TCPSCOPE_STOP_H
#define TCPSCOPE_STOP_H

#include <signal.h>
#include <stdbool.h>

/*
 * Call first in main, before any other thread exists: SIGINT and SIGTERM are
 * blocked in the calling thread (so in every thread created after it) and
 * taken by one thread of their own with sigwait(). The first one sets *flag
 * to 1, remembers the signal and makes stop_wakeup_fd() readable; a second
 * one ends the process at once with status 128 + signal number (130 for
 * SIGINT, 143 for SIGTERM), as a second Ctrl-C is expected to. Returns false
 * when the thread or the pipe cannot be had (the signals then keep their
 * default action).
 */
bool stop_start(volatile sig_atomic_t *flag);

/* A descriptor that becomes readable at the first stop signal, for poll(); -1 before stop_start. */
int stop_wakeup_fd(void);

/* The first stop signal received (SIGINT or SIGTERM), 0 while none came. */
int stop_signal(void);

#endif
