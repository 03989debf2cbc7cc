// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include "lib/api.h"

static int fill_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int api_listen(const char *path)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err;

	err = fill_addr(path, &sa);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	/* the file mode is the first access control: owner (root) only; the
	 * daemon checks each peer's credentials too */
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (err || listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int api_allow_group(const char *path, gid_t gid)
{
	if (chown(path, (uid_t)-1, gid) || chmod(path, 0660))
		return -errno;
	return 0;
}

int api_rx_feed(struct api_rx *rx, int fd)
{
	ssize_t n;

	if (rx->done)
		return 1;
	if (rx->len + 1 >= rx->cap) {
		size_t cap = rx->cap;
		char *nb;

		if (cap >= API_MAX_MSG) {
			return -EMSGSIZE;
		}
		cap = cap ? cap * 2 : 4096;
		nb = realloc(rx->buf, cap);
		if (!nb)
			return -ENOMEM;
		rx->buf = nb;
		rx->cap = cap;
	}
	n = read(fd, rx->buf + rx->len, rx->cap - rx->len - 1);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	rx->len += (size_t)n;
	rx->buf[rx->len] = '\0';
	if (!n || memchr(rx->buf + rx->len - (size_t)n, '\n', (size_t)n))
		rx->done = true;
	return rx->done;
}

int api_rx_parse(const struct api_rx *rx, json_object **msg)
{
	json_tokener *tok;
	int err = 0;

	*msg = NULL;
	if (!rx->len)
		return -ENODATA;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*msg = json_tokener_parse_ex(tok, rx->buf, (int)rx->len);
	if (*msg) {
		/* one object per line: only whitespace may follow it */
		for (size_t i = json_tokener_get_parse_end(tok); i < rx->len; i++)
			if (!isspace((unsigned char)rx->buf[i]))
				err = -EBADMSG;
	}
	if (err || !*msg || !json_object_is_type(*msg, json_type_object)) {
		json_object_put(*msg);
		*msg = NULL;
		err = -EBADMSG;
	}
	json_tokener_free(tok);
	return err;
}

void api_rx_free(struct api_rx *rx)
{
	free(rx->buf);
	memset(rx, 0, sizeof(*rx));
}

int api_read(int fd, json_object **msg)
{
	struct api_rx rx = {};
	int err;

	/* a blocking fd: -EAGAIN only when its SO_RCVTIMEO ran out */
	do
		err = api_rx_feed(&rx, fd);
	while (!err);
	if (err == 1)
		err = api_rx_parse(&rx, msg);
	api_rx_free(&rx);
	return err;
}

int api_tx_set(struct api_tx *tx, json_object *msg)
{
	const char *s = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);

	api_tx_free(tx);
	tx->buf = malloc(len + 1);
	if (!tx->buf)
		return -ENOMEM;
	memcpy(tx->buf, s, len);
	tx->buf[len] = '\n';
	tx->len = len + 1;
	return 0;
}

int api_tx_flush(struct api_tx *tx, int fd)
{
	while (tx->off < tx->len) {
		ssize_t n = send(fd, tx->buf + tx->off, tx->len - tx->off, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, tx->buf + tx->off, tx->len - tx->off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		tx->off += (size_t)n;
	}
	return 1;
}

void api_tx_free(struct api_tx *tx)
{
	free(tx->buf);
	memset(tx, 0, sizeof(*tx));
}

int api_write(int fd, json_object *msg)
{
	struct api_tx tx = {};
	int err = api_tx_set(&tx, msg);

	/* a blocking fd: 0 (would block) only when its SO_SNDTIMEO ran out */
	if (!err)
		err = api_tx_flush(&tx, fd);
	api_tx_free(&tx);
	return err == 1 ? 0 : err ? err : -EAGAIN;
}

int api_call(const char *path, json_object *req, json_object **reply)
{
	return api_call_timeout(path, req, reply, 120);
}

int api_call_timeout(const char *path, json_object *req, json_object **reply, int secs)
{
	struct sockaddr_un sa;
	struct timeval tv = {.tv_sec = secs};
	int fd, err, rerr;

	err = fill_addr(path, &sa);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto out;
	}
	err = api_write(fd, req);
	/* a daemon that refuses this peer answers without reading: the reply is there */
	if (!err || err == -EPIPE || err == -ECONNRESET) {
		rerr = api_read(fd, reply);
		if (!err || !rerr)
			err = rerr;
	}
out:
	close(fd);
	return err;
}

json_object *api_ok(json_object *result)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	if (result)
		json_object_object_add(o, "result", result);
	return o;
}

json_object *api_err(int err, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "errno", json_object_new_int(err < 0 ? -err : err));
	json_object_object_add(
	    o, "error", json_object_new_string(msg && *msg ? msg : strerror(err < 0 ? -err : err)));
	return o;
}
