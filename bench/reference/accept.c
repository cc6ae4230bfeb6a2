/* Accept loop: a loopback listener accepts each connection and closes it at once; W clients
 * in flight connect (non-blocking), wait for the server's FIN, close, and connect again,
 * until T connections have been accepted and every client closed. One thread, one epoll set.
 * Usage: accept [connections] [clients in flight]. Prints connections per second. */
#include "common.h"

int main(int argc, char **argv) {
  long total = arg_long(argc, argv, 1, 6000);
  int width = (int)arg_long(argc, argv, 2, 64);
  int port;
  int lfd = listen_loopback(1024, &port, SOCK_NONBLOCK);
  int ep = epoll_create1(0);
  CHECK(ep);
  epoll_add(ep, lfd, EPOLLIN);
  struct sockaddr_in a = loopback(port);
  long started = 0, accepted = 0, finished = 0;
  char buf[64];
  double t0 = now_s();
  for (; started < total && started < width; started++) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(c);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
    epoll_add(ep, c, EPOLLIN | EPOLLRDHUP);
  }
  struct epoll_event evs[256];
  while (finished < total) {
    int n = wait_events(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        for (;;) {
          int s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
          if (s < 0) {
            if (errno == EAGAIN) break;
            perror("accept4");
            return 1;
          }
          accepted++;
          close(s);
        }
        continue;
      }
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) continue;
      close(fd); /* the server's FIN (or a reset): this client is done */
      finished++;
      if (started < total) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK(c);
        if (connect(c, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
        epoll_add(ep, c, EPOLLIN | EPOLLRDHUP);
        started++;
      }
    }
  }
  double s = now_s() - t0;
  if (accepted != total) { fprintf(stderr, "accept: %ld accepted of %ld\n", accepted, total); return 1; }
  printf("%.1f\n", total / s);
  close(lfd);
  return 0;
}
