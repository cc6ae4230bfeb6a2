/* Shared helpers of the C reference programs: loopback listeners and connections, a
 * monotonic clock, and dying loudly on a failed system call. */
#ifndef IOLIB_BENCH_REFERENCE_COMMON_H
#define IOLIB_BENCH_REFERENCE_COMMON_H
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x) do { if ((x) < 0) { perror(#x); exit(1); } } while (0)

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* A listening TCP socket on 127.0.0.1, an ephemeral port (written to *port). */
static inline int listen_loopback(int backlog, int *port, int flags) {
  int fd = socket(AF_INET, SOCK_STREAM | flags, 0);
  CHECK(fd);
  struct sockaddr_in a = loopback(0);
  CHECK(bind(fd, (struct sockaddr *)&a, sizeof a));
  CHECK(listen(fd, backlog));
  socklen_t len = sizeof a;
  CHECK(getsockname(fd, (struct sockaddr *)&a, &len));
  *port = ntohs(a.sin_port);
  return fd;
}

static inline void set_nodelay(int fd) {
  int one = 1;
  CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
}

/* A connected pair over loopback (blocking connect, then both ends made non-blocking). */
static inline void connected_pair(int lfd, int port, int *client, int *server, int nodelay) {
  struct sockaddr_in a = loopback(port);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(c);
  CHECK(connect(c, (struct sockaddr *)&a, sizeof a));
  int s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
  CHECK(s);
  CHECK(fcntl(c, F_SETFL, O_NONBLOCK));
  if (nodelay) {
    set_nodelay(c);
    set_nodelay(s);
  }
  *client = c;
  *server = s;
}

static inline void epoll_add(int ep, int fd, uint32_t events) {
  struct epoll_event ev = { .events = events, .data = { .fd = fd } };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
}

/* epoll_wait, retried on EINTR; dies on any other error. */
static inline int wait_events(int ep, struct epoll_event *evs, int max, int timeout) {
  for (;;) {
    int n = epoll_wait(ep, evs, max, timeout);
    if (n >= 0) return n;
    if (errno != EINTR) {
      perror("epoll_wait");
      exit(1);
    }
  }
}

static inline long arg_long(int argc, char **argv, int i, long fallback) {
  return argc > i ? strtol(argv[i], NULL, 10) : fallback;
}
#endif
