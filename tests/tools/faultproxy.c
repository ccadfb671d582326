/*
 * faultproxy - a small fault-injecting TCP proxy for the sync tests.
 *
 * The kernel on the test machines has no netem, so the link that drops
 * every few minutes is simulated here: the proxy sits between senda and
 * senda-server and, following a seeded random schedule, cuts connections in
 * the request and in the response, stalls, adds latency, truncates
 * responses, answers 500/502/503 in the server's place (before or after the
 * server saw the request) and resets connections.  It counts every byte in
 * each direction, which is how the benchmark measures wire bytes.
 *
 * Faults are drawn per exchange, not per connection: an exchange starts
 * when the client sends after the server has answered (HTTP/1.1 without
 * pipelining), so a kept-alive connection meets faults at the same rate as
 * fresh ones.  Exchange n of a run draws from seed and n alone, so a run
 * with the same seed and the same traffic order meets the same faults.
 *
 * drop-resp lets the server do all the work and then closes the connection
 * without a byte of the answer: on a kept-alive connection that is exactly
 * when libcurl resends a POST by itself.  --schedule gives the faults of
 * the first exchanges by name ("none,drop-resp,none"), for tests that need
 * one fault at one place; later exchanges follow --rate.
 *
 * Usage: faultproxy --target HOST:PORT [--listen HOST:PORT] [--seed N]
 *          [--rate P] [--faults LIST] [--schedule LIST] [--latency-ms N]
 *          [--stall-ms N] [--port-file F] [--stats F]
 * SIGUSR1 writes the stats file now; SIGUSR2 toggles faults off and on;
 * SIGTERM/SIGINT write the stats file and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Every fault kind: name on the command line and in the stats file. */
#define FAULT_LIST(_) \
	_(NONE,      "none") \
	_(CUT_REQ,   "cut-req") \
	_(CUT_RESP,  "cut-resp") \
	_(DROP_RESP, "drop-resp") \
	_(TRUNCATE,  "truncate") \
	_(STALL,     "stall") \
	_(LATENCY,   "latency") \
	_(HTTP500,   "500") \
	_(HTTP502,   "502") \
	_(HTTP503,   "503") \
	_(RESET,     "reset")

enum fault {
#define FAULT_ENUM_(id, name) F_##id,
	FAULT_LIST(FAULT_ENUM_)
#undef FAULT_ENUM_
	F_COUNT
};

static const char *const fault_names[] = {
#define FAULT_NAME_(id, name) name,
	FAULT_LIST(FAULT_NAME_)
#undef FAULT_NAME_
};

struct proxy_conf {
	char *listen_host, *listen_port;
	char *target_host, *target_port;
	uint64_t seed;
	double rate;			/* probability that an exchange meets a fault */
	bool enabled[F_COUNT];
	enum fault *schedule;		/* faults of the first exchanges */
	size_t n_schedule;
	int latency_ms;			/* upper bound of added latency per chunk */
	int stall_ms;			/* how long a stall holds the response */
	const char *port_file, *stats_file;
};

static struct proxy_conf conf;

/* Counters; atomics so the worker threads never take a lock to count. */
static atomic_ullong n_conns, n_exchanges, bytes_up, bytes_down;
static atomic_ullong n_faults[F_COUNT];
static atomic_ullong exchange_seq;
static atomic_int faults_off;
static volatile sig_atomic_t sig_term, sig_stats, sig_toggle;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("faultproxy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* splitmix64: tiny, good enough, and reproducible from one 64-bit state. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Write the counters as "key value" lines, atomically (write then rename). */
static void stats_write(void)
{
	if (!conf.stats_file)
		return;
	pthread_mutex_lock(&stats_lock);
	size_t n = strlen(conf.stats_file) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		goto out;
	snprintf(tmp, n, "%s.tmp", conf.stats_file);
	FILE *f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "connections %llu\n", (unsigned long long)n_conns);
		fprintf(f, "exchanges %llu\n", (unsigned long long)n_exchanges);
		fprintf(f, "bytes_up %llu\n", (unsigned long long)bytes_up);
		fprintf(f, "bytes_down %llu\n", (unsigned long long)bytes_down);
		unsigned long long total = 0;
		for (int i = 1; i < F_COUNT; i++) {
			fprintf(f, "fault_%s %llu\n", fault_names[i],
				(unsigned long long)n_faults[i]);
			total += n_faults[i];
		}
		fprintf(f, "faults %llu\n", total);
		if (fclose(f) == 0)
			rename(tmp, conf.stats_file);
	}
	free(tmp);
out:
	pthread_mutex_unlock(&stats_lock);
}

/* Write all of buf; false when the peer is gone. */
static bool write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

/* Close with RST instead of FIN: what a dying middlebox does. */
static void close_reset(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static void answer_status(int fd, enum fault f)
{
	static const char *const text[] = {
		[F_HTTP500] = "500 Internal Server Error",
		[F_HTTP502] = "502 Bad Gateway",
		[F_HTTP503] = "503 Service Unavailable",
	};
	char buf[256];
	const char *body = "fault injected by faultproxy\n";
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 text[f], strlen(body), body);
	write_all(fd, buf, (size_t)n);
}

static int connect_target(void)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(conf.target_host, conf.target_port, &hints, &res) != 0)
		return -1;
	int fd = -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

/* Draw the fault of the next exchange from the seed and its number. */
static enum fault fault_draw(uint64_t *rng)
{
	uint64_t n = atomic_fetch_add(&exchange_seq, 1);
	*rng = conf.seed ^ (n * 0xd1342543de82ef95ULL);
	rng_next(rng);
	atomic_fetch_add(&n_exchanges, 1);
	if (n < conf.n_schedule)
		return conf.schedule[n];
	double p = (double)(rng_next(rng) >> 11) / (double)(1ULL << 53);
	if (atomic_load(&faults_off) || p >= conf.rate)
		return F_NONE;
	enum fault pick[F_COUNT];
	int k = 0;
	for (int i = 1; i < F_COUNT; i++)
		if (conf.enabled[i])
			pick[k++] = (enum fault)i;
	if (!k)
		return F_NONE;
	return pick[rng_below(rng, (uint64_t)k)];
}

struct conn {
	int cfd, ufd;
};

/*
 * Relay one client connection.  `phase` tracks the exchange: a client chunk
 * after response bytes (or the first one) starts a new exchange and draws
 * its fault; the fault acts on the request side or the response side.
 */
static void *conn_run(void *arg)
{
	struct conn *c = arg;
	int cfd = c->cfd, ufd = c->ufd;
	free(c);
	char buf[65536];
	bool c_open = true, u_open = true, seen_resp = true, stalled = false;
	bool after_variant = false, reset_in_req = false;
	enum fault f = F_NONE;
	uint64_t rng = 0;

	while (c_open || u_open) {
		struct pollfd pfd[2] = {
			{ c_open ? cfd : -1, POLLIN, 0 },
			{ u_open ? ufd : -1, POLLIN, 0 },
		};
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents) {
			ssize_t n = recv(cfd, buf, sizeof(buf), 0);
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				c_open = false;
				shutdown(ufd, SHUT_WR);
				if (n < 0)
					break;
				continue;
			}
			if (seen_resp) {
				/* A new exchange begins. */
				seen_resp = false;
				stalled = false;
				f = fault_draw(&rng);
				after_variant = rng_below(&rng, 2);
				reset_in_req = rng_below(&rng, 2);
				if (f != F_NONE)
					atomic_fetch_add(&n_faults[f], 1);
			}
			size_t len = (size_t)n;
			if (f == F_CUT_REQ || (f == F_RESET && reset_in_req)) {
				size_t k = (size_t)rng_below(&rng, len);
				if (write_all(ufd, buf, k))
					atomic_fetch_add(&bytes_up, k);
				if (f == F_RESET)
					close_reset(cfd);
				else
					close(cfd);
				close(ufd);
				return NULL;
			}
			if ((f == F_HTTP500 || f == F_HTTP502 || f == F_HTTP503)
			    && !after_variant) {
				/* Answer in the server's place; it never sees this. */
				answer_status(cfd, f);
				shutdown(cfd, SHUT_WR);
				close(ufd);
				/* Drain what the client still sends, so the close is a FIN. */
				struct pollfd dp = { cfd, POLLIN, 0 };
				while (poll(&dp, 1, 200) > 0 && recv(cfd, buf, sizeof(buf), 0) > 0)
					;
				close(cfd);
				return NULL;
			}
			if (f == F_LATENCY)
				sleep_ms(1 + (int)rng_below(&rng, (uint64_t)conf.latency_ms));
			if (!write_all(ufd, buf, len))
				break;
			atomic_fetch_add(&bytes_up, len);
		}
		if (pfd[1].revents) {
			ssize_t n = recv(ufd, buf, sizeof(buf), 0);
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				u_open = false;
				shutdown(cfd, SHUT_WR);
				if (n < 0)
					break;
				continue;
			}
			size_t len = (size_t)n;
			seen_resp = true;
			switch (f) {
			case F_DROP_RESP:
				close(cfd);
				close(ufd);
				return NULL;
			case F_CUT_RESP:
			case F_TRUNCATE:
			case F_RESET: {
				/* cut-resp may send nothing at all; truncate keeps most. */
				size_t k = f == F_TRUNCATE && len > 1
					? len - 1 - (size_t)rng_below(&rng, len - 1 < 64 ? len - 1 : 64)
					: (size_t)rng_below(&rng, len);
				if (write_all(cfd, buf, k))
					atomic_fetch_add(&bytes_down, k);
				if (f == F_RESET)
					close_reset(cfd);
				else
					close(cfd);
				close(ufd);
				return NULL;
			}
			case F_HTTP500:
			case F_HTTP502:
			case F_HTTP503:
				/* The server did the work; the client hears it failed. */
				answer_status(cfd, f);
				close(cfd);
				close(ufd);
				return NULL;
			case F_STALL:
				if (!stalled) {
					stalled = true;
					sleep_ms(conf.stall_ms);
				}
				break;
			case F_LATENCY:
				sleep_ms(1 + (int)rng_below(&rng, (uint64_t)conf.latency_ms));
				break;
			default:
				break;
			}
			if (!write_all(cfd, buf, len))
				break;
			atomic_fetch_add(&bytes_down, len);
		}
	}
	close(cfd);
	close(ufd);
	stats_write();
	return NULL;
}

static void split_hostport(const char *s, char **host, char **port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		die("expected HOST:PORT, got '%s'", s);
	*host = colon == s ? strdup("127.0.0.1") : strndup(s, (size_t)(colon - s));
	*port = strdup(colon + 1);
	if (!*host || !*port)
		die("out of memory");
}

static enum fault fault_by_name(const char *name);

static void parse_faults(const char *list)
{
	memset(conf.enabled, 0, sizeof(conf.enabled));
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		die("out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (int i = 1; i < F_COUNT; i++)
				conf.enabled[i] = true;
			continue;
		}
		conf.enabled[fault_by_name(tok)] = true;
	}
	free(copy);
}

static enum fault fault_by_name(const char *name)
{
	for (int i = 0; i < F_COUNT; i++)
		if (!strcmp(name, fault_names[i]))
			return (enum fault)i;
	die("unknown fault '%s'", name);
}

static void parse_schedule(const char *list)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		die("out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		conf.schedule = realloc(conf.schedule, (conf.n_schedule + 1) * sizeof(*conf.schedule));
		if (!conf.schedule)
			die("out of memory");
		conf.schedule[conf.n_schedule++] = fault_by_name(tok);
	}
	free(copy);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_stats = 1;
	else if (sig == SIGUSR2)
		sig_toggle = 1;
	else
		sig_term = 1;
}

static int listen_on(void)
{
	struct addrinfo hints = { 0 }, *res;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	int rc = getaddrinfo(conf.listen_host, conf.listen_port, &hints, &res);
	if (rc != 0)
		die("%s: %s", conf.listen_host, gai_strerror(rc));
	int fd = socket(res->ai_family, SOCK_STREAM, 0);
	int one = 1;
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
		die("bind %s:%s: %s", conf.listen_host, conf.listen_port, strerror(errno));
	freeaddrinfo(res);
	if (listen(fd, 128) < 0)
		die("listen: %s", strerror(errno));
	return fd;
}

static void write_port_file(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[64], port[16];
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
			sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		die("getsockname: %s", strerror(errno));
	if (!conf.port_file) {
		printf("%s\n", port);
		fflush(stdout);
		return;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", conf.port_file);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", port) < 0 || fclose(f) != 0 ||
	    rename(tmp, conf.port_file) < 0)
		die("%s: %s", conf.port_file, strerror(errno));
}

static void usage(void)
{
	fputs("usage: faultproxy --target HOST:PORT [--listen HOST:PORT] [--seed N]\n"
	      "         [--rate P] [--faults LIST|all|none] [--schedule LIST]\n"
	      "         [--latency-ms N] [--stall-ms N] [--port-file F] [--stats F]\n"
	      "faults: cut-req cut-resp drop-resp truncate stall latency 500 502 503 reset\n", stderr);
	exit(2);
}

static long parse_num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("%s: not a number: '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "target", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "faults", required_argument, NULL, 'f' },
		{ "schedule", required_argument, NULL, 'x' },
		{ "latency-ms", required_argument, NULL, 'L' },
		{ "stall-ms", required_argument, NULL, 'S' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "stats", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen_arg = "127.0.0.1:0", *target_arg = NULL;
	conf.rate = 0.2;
	conf.latency_ms = 50;
	conf.stall_ms = 1500;
	parse_faults("all");
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'l': listen_arg = optarg; break;
		case 't': target_arg = optarg; break;
		case 's': conf.seed = strtoull(optarg, &end, 10);
			if (*end || end == optarg)
				die("--seed: not a number: '%s'", optarg);
			break;
		case 'r': conf.rate = strtod(optarg, &end);
			if (*end || end == optarg || conf.rate < 0 || conf.rate > 1)
				die("--rate: expected 0..1, got '%s'", optarg);
			break;
		case 'f': parse_faults(optarg); break;
		case 'x': parse_schedule(optarg); break;
		case 'L': conf.latency_ms = (int)parse_num(optarg, "--latency-ms"); break;
		case 'S': conf.stall_ms = (int)parse_num(optarg, "--stall-ms"); break;
		case 'p': conf.port_file = optarg; break;
		case 'o': conf.stats_file = optarg; break;
		default: usage();
		}
	}
	if (!target_arg || optind != argc)
		usage();
	if (conf.latency_ms < 1)
		conf.latency_ms = 1;
	split_hostport(listen_arg, &conf.listen_host, &conf.listen_port);
	split_hostport(target_arg, &conf.target_host, &conf.target_port);

	/* No SA_RESTART: accept() returns EINTR so the loop sees the flags. */
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int lfd = listen_on();
	write_port_file(lfd);
	stats_write();

	/* Workers block the signals so that they all reach the accept loop. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);

	while (!sig_term) {
		if (sig_stats) {
			sig_stats = 0;
			stats_write();
		}
		if (sig_toggle) {
			sig_toggle = 0;
			atomic_store(&faults_off, !atomic_load(&faults_off));
		}
		int cfd = accept(lfd, NULL, NULL);
		if (cfd < 0)
			continue;
		int one = 1;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		atomic_fetch_add(&n_conns, 1);
		int ufd = connect_target();
		if (ufd < 0) {
			/* Server down: the client sees a refused-like reset. */
			close_reset(cfd);
			continue;
		}
		struct conn *cn = malloc(sizeof(*cn));
		pthread_t th;
		if (!cn) {
			close(cfd);
			close(ufd);
			continue;
		}
		cn->cfd = cfd;
		cn->ufd = ufd;
		pthread_sigmask(SIG_BLOCK, &block, &old);
		if (pthread_create(&th, &attr, conn_run, cn) != 0) {
			close(cfd);
			close(ufd);
			free(cn);
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	stats_write();
	return 0;
}
