/* N-connection echo: N loopback connections (TCP_NODELAY), each client writes 64 bytes, its
 * server end echoes what it reads, the client writes again once all 64 are back; every
 * client does K round trips. All 2N sockets in one thread over one epoll set.
 * Usage: echo [connections] [round trips per connection]. Prints round trips per second. */
#include "common.h"

#define MSG 64

int main(int argc, char **argv) {
  int conns = (int)arg_long(argc, argv, 1, 256);
  long per = arg_long(argc, argv, 2, 200);
  int port;
  int lfd = listen_loopback(1024, &port, 0);
  int maxfd = 2 * conns + 64;
  int *is_client = calloc(maxfd * 4, sizeof(int));
  long *left = calloc(maxfd * 4, sizeof(long));
  int *got = calloc(maxfd * 4, sizeof(int));
  int *fds = calloc(2 * conns, sizeof(int));
  int ep = epoll_create1(0);
  CHECK(ep);
  for (int i = 0; i < conns; i++) {
    int c, s;
    connected_pair(lfd, port, &c, &s, 1);
    is_client[c] = 1;
    left[c] = per;
    fds[2 * i] = c;
    fds[2 * i + 1] = s;
    epoll_add(ep, c, EPOLLIN);
    epoll_add(ep, s, EPOLLIN);
  }
  char msg[MSG];
  memset(msg, 'b', MSG);
  char buf[65536];
  long total = (long)conns * per;
  long done = 0;
  double t0 = now_s();
  for (int i = 0; i < conns; i++) CHECK(write(fds[2 * i], msg, MSG));
  struct epoll_event evs[256];
  while (done < total) {
    int n = wait_events(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) { fprintf(stderr, "echo: unexpected read %zd\n", r); return 1; }
      if (!is_client[fd]) {
        CHECK(write(fd, buf, r));
        continue;
      }
      got[fd] += (int)r;
      while (got[fd] >= MSG) {
        got[fd] -= MSG;
        done++;
        if (--left[fd] > 0) CHECK(write(fd, msg, MSG));
      }
    }
  }
  double s = now_s() - t0;
  printf("%.1f\n", total / s);
  for (int i = 0; i < 2 * conns; i++) close(fds[i]);
  close(lfd);
  return 0;
}
