/* TCP ping-pong, 1 byte, TCP_NODELAY both ends, both ends in this one thread over one epoll
 * set. Usage: pingpong [round trips]. Prints round trips per second. */
#include "common.h"

int main(int argc, char **argv) {
  long trips = arg_long(argc, argv, 1, 60000);
  int port;
  int lfd = listen_loopback(16, &port, 0);
  int client, server;
  connected_pair(lfd, port, &client, &server, 1);
  int ep = epoll_create1(0);
  CHECK(ep);
  epoll_add(ep, client, EPOLLIN);
  epoll_add(ep, server, EPOLLIN);
  char buf[4096];
  long done = 0;
  double t0 = now_s();
  CHECK(write(client, "*", 1));
  struct epoll_event evs[16];
  while (done < trips) {
    int n = wait_events(ep, evs, 16, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) { fprintf(stderr, "pingpong: unexpected read %zd\n", r); return 1; }
      if (fd == server) {
        CHECK(write(server, buf, r));
      } else if (++done < trips) {
        CHECK(write(client, "*", 1));
      }
    }
  }
  double s = now_s() - t0;
  printf("%.1f\n", trips / s);
  close(client);
  close(server);
  close(lfd);
  return 0;
}
