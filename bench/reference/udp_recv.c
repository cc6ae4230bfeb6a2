/* UDP receive: a receiver bound on loopback with a large SO_RCVBUF and a sender connected to
 * it. Each burst, the sender hands B 64-byte datagrams to the kernel (sendmmsg, one datagram
 * per message), then the receiver drains them with recvmmsg (64 a call) whenever epoll says
 * it is readable. Only the drains are timed, as in the JS workload.
 * Usage: udp_recv [datagrams] [rcvbuf bytes] [max burst]. Prints datagrams received per
 * second of drain. */
#include "common.h"

#define SIZE 64
#define BATCH 64
#define TRUESIZE 1024

int main(int argc, char **argv) {
  long total = arg_long(argc, argv, 1, 262144);
  int rcvbuf = (int)arg_long(argc, argv, 2, 4 << 20);
  long maxburst = arg_long(argc, argv, 3, 4096);
  int rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  CHECK(rx);
  CHECK(setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf));
  struct sockaddr_in a = loopback(0);
  CHECK(bind(rx, (struct sockaddr *)&a, sizeof a));
  socklen_t len = sizeof a;
  CHECK(getsockname(rx, (struct sockaddr *)&a, &len));
  int granted;
  len = sizeof granted;
  CHECK(getsockopt(rx, SOL_SOCKET, SO_RCVBUF, &granted, &len));
  long burst = (long)(granted * 0.6) / TRUESIZE;
  if (burst > maxburst) burst = maxburst;
  if (burst < 64) burst = 64;
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(tx);
  CHECK(setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof rcvbuf));
  CHECK(connect(tx, (struct sockaddr *)&a, sizeof a));
  int ep = epoll_create1(0);
  CHECK(ep);
  epoll_add(ep, rx, EPOLLIN);

  static char payload[SIZE];
  memset(payload, 'c', SIZE);
  static char bufs[BATCH][2048];
  struct mmsghdr out[BATCH], in[BATCH];
  struct iovec oiov[BATCH], iiov[BATCH];
  struct sockaddr_in from[BATCH];
  for (int i = 0; i < BATCH; i++) {
    oiov[i] = (struct iovec){ payload, SIZE };
    out[i].msg_hdr = (struct msghdr){ .msg_iov = &oiov[i], .msg_iovlen = 1 };
  }
  double drain = 0;
  long received = 0;
  struct epoll_event ev;
  while (received < total) {
    long want = total - received < burst ? total - received : burst;
    for (long sent = 0; sent < want;) {
      int k = want - sent < BATCH ? (int)(want - sent) : BATCH;
      int r = sendmmsg(tx, out, k, 0);
      CHECK(r);
      sent += r;
    }
    double t0 = now_s();
    long got = 0;
    while (got < want) {
      int n = wait_events(ep, &ev, 1, 1000);
      if (n == 0) { fprintf(stderr, "udp_recv: datagrams lost (%ld of %ld)\n", got, want); return 1; }
      for (;;) {
        for (int i = 0; i < BATCH; i++) {
          iiov[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
          in[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iiov[i], .msg_iovlen = 1 };
        }
        int r = recvmmsg(rx, in, BATCH, 0, NULL);
        if (r < 0 && errno == EAGAIN) break;
        CHECK(r);
        got += r;
      }
    }
    drain += now_s() - t0;
    received += got;
  }
  printf("%.1f\n", received / drain);
  close(tx);
  close(rx);
  return 0;
}
