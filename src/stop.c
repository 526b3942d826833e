/* stop.c - the stop signals (SIGINT, SIGTERM): one thread takes them, a pipe tells blocked readers. */
#include "stop.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/*
 * Why a thread and a pipe: a read blocked on an idle pipe (tcpdump -w - |
 * tcpscope -r -) is not woken by a flag, and a signal handler runs on any
 * thread that has the signal unblocked, not the one blocked in read(). So no
 * thread but this one takes the signals, and every read that may block
 * (decompress.c, the live poll) waits in poll() on its descriptor and on the
 * pipe: the pipe stays readable once written, so a signal that arrives just
 * before a poll() is not missed.
 */
static int wake_pipe[2] = {-1, -1};
static atomic_int first_signal;
static volatile sig_atomic_t *stop_flag;

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

static void *take_signals(void *arg)
{
	sigset_t set;
	(void)arg;
	stop_set(&set);
	for (;;) {
		int sig;
		if (sigwait(&set, &sig) != 0)
			continue;
		int none = 0;
		if (!atomic_compare_exchange_strong(&first_signal, &none, sig))
			_exit(128 + sig); /* the second: at once, even during the final flush */
		*stop_flag = 1;
		ssize_t n = write(wake_pipe[1], "x", 1);
		(void)n; /* a full pipe is already readable */
	}
	return NULL;
}

bool stop_start(volatile sig_atomic_t *flag)
{
	sigset_t set, old;
	stop_set(&set);
	if (pipe(wake_pipe) != 0)
		return false;
	for (int i = 0; i < 2; i++) {
		fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(wake_pipe[i], F_SETFL, O_NONBLOCK);
	}
	stop_flag = flag;
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	int rc = pthread_create(&t, &attr, take_signals, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		close(wake_pipe[0]);
		close(wake_pipe[1]);
		wake_pipe[0] = wake_pipe[1] = -1;
		return false;
	}
	return true;
}

int stop_wakeup_fd(void)
{
	return wake_pipe[0];
}

int stop_signal(void)
{
	return atomic_load(&first_signal);
}
