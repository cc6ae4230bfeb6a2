/* Not a reference: the load generator of the HTTP workloads. Written in C so that the
 * generator is not what limits the rate: on a 2-core machine the server and the generator
 * each get one core, and bench/http-load.ts (Node) spends about as much CPU per request as the
 * server it drives, which pulls both servers' figures to its own.
 *
 * Usage: http_load PORT MODE CONNECTIONS REQUESTS [UPLOAD_BYTES]. MODE:
 *   keepalive  GET /small, one request at a time per connection, the next after the response;
 *   newconn    the same with Connection: close, a new connection once the server has closed;
 *   big        GET /big, as keepalive;
 *   upload     POST /upload of UPLOAD_BYTES ('u' bytes), as keepalive; the response's body
 *              must be the byte count.
 * Every response must be 200 with a Content-Length. Prints {"requests":N,"bytes":N,"seconds":S}
 * (bytes: response bytes read plus request bodies sent), as bench/http-load.ts does. */
#include "common.h"
#include <strings.h>

enum phase { CONNECTING, READING, WAIT_CLOSE };

struct conn {
  int fd;
  enum phase phase;
  char head[4096];
  size_t headLen;      /* bytes of the head gathered so far */
  long remaining;      /* body bytes still due; -1 while the head is being read */
  long long bodyLeft;  /* upload bytes still to send */
  char text[24];       /* an upload's response body */
  size_t textLen;
};

static int port, newconn, upload, ep;
static long requests, started, active;
static long long bytesRead, bytesSent, uploadBytes;
static char request[256];
static size_t requestLen;
static char chunk[65536];

static void die(const char *what) {
  fprintf(stderr, "http_load: %s\n", what);
  exit(1);
}

static int next_request(void) { return started++ < requests; }

static void watch(struct conn *c, uint32_t events) {
  struct epoll_event ev = { .events = events, .data = { .ptr = c } };
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev));
}

/* Sends what the kernel takes of the upload body; waits for writability while some is left. */
static void send_body(struct conn *c) {
  while (c->bodyLeft > 0) {
    size_t want = c->bodyLeft < (long long)sizeof chunk ? (size_t)c->bodyLeft : sizeof chunk;
    ssize_t n = write(c->fd, chunk, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      watch(c, EPOLLOUT);
      return;
    }
    if (n < 0) die(strerror(errno));
    c->bodyLeft -= n;
    bytesSent += n;
  }
  watch(c, EPOLLIN);
}

static void send_request(struct conn *c) {
  ssize_t n;
  do n = write(c->fd, request, requestLen);
  while (n < 0 && errno == EINTR);
  /* A request head this small always fits an idle connection's send buffer. */
  if (n != (ssize_t)requestLen) die("short write of a request");
  c->headLen = 0;
  c->remaining = -1;
  c->textLen = 0;
  c->phase = READING;
  c->bodyLeft = upload ? uploadBytes : 0;
  if (upload) send_body(c);
}

static void start(struct conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(c->fd);
  set_nodelay(c->fd);
  struct sockaddr_in a = loopback(port);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die(strerror(errno));
  struct epoll_event ev = { .events = EPOLLOUT, .data = { .ptr = c } };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev));
  c->phase = CONNECTING;
  active++;
}

static void finish(struct conn *c) {
  close(c->fd);  /* also leaves the epoll set */
  c->fd = -1;
  active--;
}

/* The head is complete in c->head[0..end): checks the status, reads the body length. */
static void parse_head(struct conn *c, size_t end) {
  if (end < 12 || memcmp(c->head, "HTTP/1.1 200", 12) != 0) die("a response that is not 200");
  c->remaining = -1;
  for (size_t i = 0; i + 15 <= end; i++) {
    if ((i == 0 || c->head[i - 1] == '\n') && strncasecmp(c->head + i, "content-length:", 15) == 0) {
      c->remaining = strtol(c->head + i + 15, NULL, 10);
      break;
    }
  }
  if (c->remaining < 0) die("a response without Content-Length");
}

static void response_done(struct conn *c) {
  if (upload) {
    char want[24];
    snprintf(want, sizeof want, "%lld", uploadBytes);
    if (c->textLen != strlen(want) || memcmp(c->text, want, c->textLen) != 0) die("an upload answered with a byte count other than its size");
  }
  if (newconn) c->phase = WAIT_CLOSE;
  else if (next_request()) send_request(c);
  else finish(c);
}

/* Consumes what was read (the connection may be finished by it: c->fd < 0). */
static void feed(struct conn *c, const char *p, size_t n) {
  while (n > 0) {
    if (c->phase == WAIT_CLOSE) die("bytes after the response of a Connection: close request");
    if (c->remaining < 0) {
      size_t take = n < sizeof c->head - c->headLen ? n : sizeof c->head - c->headLen;
      memcpy(c->head + c->headLen, p, take);
      size_t from = c->headLen >= 3 ? c->headLen - 3 : 0;
      c->headLen += take;
      char *end = memmem(c->head + from, c->headLen - from, "\r\n\r\n", 4);
      if (end == NULL) {
        if (c->headLen == sizeof c->head) die("a response head over 4 KiB");
        return;
      }
      size_t headEnd = (size_t)(end - c->head) + 4;
      parse_head(c, headEnd);
      size_t bodyHere = c->headLen - headEnd; /* body bytes that came with the head */
      p += take - bodyHere;
      n -= take - bodyHere;
    }
    size_t take = (long)n < c->remaining ? n : (size_t)c->remaining;
    if (upload && c->textLen + take <= sizeof c->text) {
      memcpy(c->text + c->textLen, p, take);
      c->textLen += take;
    }
    c->remaining -= (long)take;
    p += take;
    n -= take;
    if (c->remaining == 0) {
      c->remaining = -1;
      c->headLen = 0;
      response_done(c);
      if (c->fd < 0) return;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) die("usage: http_load PORT keepalive|newconn|big|upload CONNECTIONS REQUESTS [UPLOAD_BYTES]");
  port = atoi(argv[1]);
  const char *mode = argv[2];
  newconn = strcmp(mode, "newconn") == 0;
  upload = strcmp(mode, "upload") == 0;
  long connections = atol(argv[3]);
  requests = atol(argv[4]);
  if (strcmp(mode, "keepalive") == 0) snprintf(request, sizeof request, "GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  else if (newconn) snprintf(request, sizeof request, "GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  else if (strcmp(mode, "big") == 0) snprintf(request, sizeof request, "GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  else if (upload && argc == 6 && (uploadBytes = atoll(argv[5])) > 0) snprintf(request, sizeof request, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %lld\r\n\r\n", uploadBytes);
  else die("MODE is keepalive, newconn, big or upload UPLOAD_BYTES");
  memset(chunk, 'u', sizeof chunk);
  requestLen = strlen(request);
  ep = epoll_create1(0);
  CHECK(ep);
  struct conn *conns = calloc((size_t)connections, sizeof *conns);
  if (conns == NULL) die("out of memory");
  double t0 = now_s();
  for (long i = 0; i < connections && next_request(); i++) start(&conns[i]);
  static char buf[65536];
  struct epoll_event evs[256];
  while (active > 0) {
    int n = wait_events(ep, evs, 256, 30000);
    if (n == 0) die("no progress in 30 s");
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (c->phase == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        CHECK(getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len));
        if (err != 0) die(strerror(err));
        watch(c, EPOLLIN);
        send_request(c);
        continue;
      }
      if (c->bodyLeft > 0) {
        send_body(c);
        continue;
      }
      for (;;) {
        ssize_t r = read(c->fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (r < 0) die(strerror(errno));
        if (r == 0) {
          if (c->phase != WAIT_CLOSE) die("the server closed before the response ended");
          finish(c);
          if (next_request()) start(c);
          break;
        }
        bytesRead += r;
        feed(c, buf, (size_t)r);
        if (c->fd < 0) break;
      }
    }
  }
  printf("{\"requests\":%ld,\"bytes\":%lld,\"seconds\":%.6f}\n", requests, bytesRead + bytesSent, now_s() - t0);
  return 0;
}
