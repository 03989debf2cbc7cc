/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A real etcd server for a test: Debian's etcd-server on loopback, on two
 * free ports, with a data directory of its own; stopped by its PID and its
 * directory removed at the end. Skips when etcd is not installed.
 */
#ifndef HYP_ETCD_FIXTURE_H
#define HYP_ETCD_FIXTURE_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cluster/etcd.h"

#define ETCD_BIN "/usr/bin/etcd"

struct etcd_server {
	pid_t pid;
	char dir[64];
	char url[64];
	int client_port;
};

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Starts etcd on client_port (0: a free one); 0, or -ENOENT when not installed. */
static int etcd_server_start_on(struct etcd_server *s, int client_port, const char *dir)
{
	char curl[64], purl[64], log[96], ic[96];
	int peer = free_port();

	if (access(ETCD_BIN, X_OK))
		return -ENOENT;
	s->client_port = client_port ? client_port : free_port();
	snprintf(s->dir, sizeof(s->dir), "%s", dir ? dir : "/tmp/hyp-etcd-XXXXXX");
	if (!dir && !mkdtemp(s->dir))
		return -errno;
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->client_port);
	snprintf(curl, sizeof(curl), "%s", s->url);
	snprintf(purl, sizeof(purl), "http://127.0.0.1:%d", peer);
	snprintf(log, sizeof(log), "%s.log", s->dir);
	snprintf(ic, sizeof(ic), "t=%s", purl);
	s->pid = fork();
	if (s->pid < 0)
		return -errno;
	if (!s->pid) {
		if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
			_exit(127);
		execl(ETCD_BIN, "etcd", "--name", "t", "--data-dir", s->dir,
		      "--listen-client-urls", curl, "--advertise-client-urls", curl,
		      "--listen-peer-urls", purl, "--initial-advertise-peer-urls", purl,
		      "--initial-cluster", ic, (char *)NULL);
		_exit(127);
	}
	return 0;
}

/* Waits until etcd answers a read (up to 30 s: the machine is loaded). */
static int etcd_server_wait(struct etcd_server *s)
{
	struct etcd *e;
	int err = etcd__open(s->url, 1000, &e);

	for (int i = 0; !err && i < 300; i++) {
		char *v = NULL;
		int rc = etcd__get(e, "/hyp-fixture-probe", &v, NULL);

		free(v);
		if (rc == 0 || rc == -ENOENT) {
			etcd__close(e);
			return 0;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	}
	if (!err)
		etcd__close(e);
	return -ETIMEDOUT;
}

static int etcd_server_start(struct etcd_server *s)
{
	int err = etcd_server_start_on(s, 0, NULL);

	return err ? err : etcd_server_wait(s);
}

/* Stops the server by its PID; the data stays (keep_dir) or goes. */
static void etcd_server_stop(struct etcd_server *s, int keep_dir)
{
	char cmd[160];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (!keep_dir && s->dir[0] && strncmp(s->dir, "/tmp/hyp-etcd-", 14) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.log'", s->dir, s->dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", s->dir);
	}
}
#endif
