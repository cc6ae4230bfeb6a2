/* TCP bulk throughput: one loopback connection, a writer thread writing N MiB in 64 KiB
 * blocking writes and a reader thread reading up to 256 KiB a call (iolib's reads grow to
 * that; with 64 KiB reads this program made 0.7-0.8 of the rate). Timed from the first write
 * to the last byte read. Usage: throughput [MiB]. Prints MiB per second. */
#include "common.h"
#include <pthread.h>

#define CHUNK 65536
#define READ (256 * 1024)

static long total;
static int writer_fd;

static void *writer(void *arg) {
  (void)arg;
  static char chunk[CHUNK];
  memset(chunk, 'a', sizeof chunk);
  for (long sent = 0; sent < total;) {
    ssize_t r = write(writer_fd, chunk, CHUNK);
    if (r < 0 && errno == EINTR) continue;
    CHECK(r);
    sent += r;
  }
  return NULL;
}

int main(int argc, char **argv) {
  total = arg_long(argc, argv, 1, 2048) << 20;
  int port;
  int lfd = listen_loopback(16, &port, 0);
  int client, server;
  connected_pair(lfd, port, &client, &server, 0);
  CHECK(fcntl(client, F_SETFL, 0));
  CHECK(fcntl(server, F_SETFL, 0));
  writer_fd = client;
  static char buf[READ];
  double t0 = now_s();
  pthread_t t;
  if (pthread_create(&t, NULL, writer, NULL) != 0) { fprintf(stderr, "pthread_create failed\n"); return 1; }
  for (long got = 0; got < total;) {
    ssize_t r = read(server, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    CHECK(r);
    if (r == 0) { fprintf(stderr, "throughput: early EOF\n"); return 1; }
    got += r;
  }
  double s = now_s() - t0;
  pthread_join(t, NULL);
  printf("%.1f\n", (total >> 20) / s);
  close(client);
  close(server);
  close(lfd);
  return 0;
}
