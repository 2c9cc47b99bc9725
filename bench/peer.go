// The Go peer of the lua-sctp benchmarks (bench/README.md): the same
// workloads as peer.c, with github.com/ishidawataru/sctp.
//
//	sctp-bench-go ROLE WORKLOAD PORT SIZE COUNT BUF
//
// The library's Dial/Listen make one-to-one sockets only, so the one-to-many
// socket is made with syscall.Socket and then driven by the library
// (SCTPBind, SCTPConnect, SCTPConn.SCTPWrite/SCTPRead, SubscribeEvents),
// as a Go program wanting gen_sctp-style sockets would do. Blocking
// descriptors, as in the C peer.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ishidawataru/sctp"
)

var role, wl string
var count, buf int

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "sctp-bench-go %s %s: %s: %v\n", role, wl, what, err)
	os.Exit(1)
}

func cpu() (float64, float64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6,
		float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
}

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n * int64(os.Getpagesize())
}

func heap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

var u0, s0 float64

func result(wall float64, extra string) {
	u1, s1 := cpu()
	fmt.Printf("RESULT peer=go role=%s wl=%s count=%d wall=%.6f usr=%.6f sys=%.6f%s\n",
		role, wl, count, wall, u1-u0, s1-s0, extra)
}

var loopback = &sctp.SCTPAddr{IPAddrs: []net.IPAddr{{IP: net.IPv4(127, 0, 0, 1)}}}

func ignore([]byte) error { return nil } // events: read and dropped by SCTPRead

// A one-to-many socket bound to 127.0.0.1:port with the benchmark options.
func open(port int) (*sctp.SCTPConn, int) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_SEQPACKET, syscall.IPPROTO_SCTP)
	if err != nil {
		fail("socket", err)
	}
	c := sctp.NewSCTPConn(fd, ignore)
	if err := c.SubscribeEvents(sctp.SCTP_EVENT_DATA_IO | sctp.SCTP_EVENT_ASSOCIATION |
		sctp.SCTP_EVENT_ADDRESS | sctp.SCTP_EVENT_SEND_FAILURE | sctp.SCTP_EVENT_PEER_ERROR |
		sctp.SCTP_EVENT_SHUTDOWN | sctp.SCTP_EVENT_PARTIAL_DELIVERY); err != nil {
		fail("SubscribeEvents", err)
	}
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_SCTP, sctp.SCTP_NODELAY, 1); err != nil {
		fail("SCTP_NODELAY", err)
	}
	if err := c.SetWriteBuffer(buf); err != nil {
		fail("SO_SNDBUF", err)
	}
	if err := c.SetReadBuffer(buf); err != nil {
		fail("SO_RCVBUF", err)
	}
	addr := *loopback
	addr.Port = port
	if err := sctp.SCTPBind(fd, &addr, sctp.SCTP_BINDX_ADD_ADDR); err != nil {
		fail("SCTPBind", err)
	}
	return c, fd
}

func connect(fd int, port int) int32 {
	addr := *loopback
	addr.Port = port
	id, err := sctp.SCTPConnect(fd, &addr) // blocking: returns once up
	if err != nil {
		fail("SCTPConnect", err)
	}
	return int32(id)
}

// The next data message (events are consumed by SCTPRead's handler).
func recvData(c *sctp.SCTPConn, b []byte) (int, *sctp.SndRcvInfo) {
	for {
		n, info, err := c.SCTPRead(b)
		if err != nil {
			fail("SCTPRead", err)
		}
		if info != nil {
			return n, info
		}
	}
}

func send(c *sctp.SCTPConn, b []byte, id int32, stream uint16) {
	info := &sctp.SndRcvInfo{AssocID: id, Stream: stream}
	for {
		_, err := c.SCTPWrite(b, info)
		if err == nil {
			return
		}
		if err != syscall.EINTR {
			fail("SCTPWrite", err)
		}
	}
}

func main() {
	if len(os.Args) != 7 {
		fmt.Fprintln(os.Stderr, "usage: sctp-bench-go ROLE WORKLOAD PORT SIZE COUNT BUF")
		os.Exit(2)
	}
	role, wl = os.Args[1], os.Args[2]
	port, _ := strconv.Atoi(os.Args[3])
	size, _ := strconv.Atoi(os.Args[4])
	count, _ = strconv.Atoi(os.Args[5])
	buf, _ = strconv.Atoi(os.Args[6])
	payload := []byte(strings.Repeat("x", size))
	rx := make([]byte, size+65536)

	if role == "server" {
		c, fd := open(port)
		if err := syscall.Listen(fd, 1024); err != nil {
			fail("listen", err)
		}
		rss0, heap0 := rss(), heap()
		fmt.Println("READY")
		u0, s0 = cpu()
		switch wl {
		case "many":
			var last int32
			for i := 0; i < count; i++ {
				_, info := recvData(c, rx)
				if rx[0] == 'L' {
					last = info.AssocID
				}
			}
			extra := fmt.Sprintf(" rss=%d heap=%d", rss()-rss0, heap()-heap0)
			send(c, []byte("k"), last, 0)
			result(0, extra)
		case "pingpong":
			for i := 0; i < count; i++ {
				n, info := recvData(c, rx)
				send(c, rx[:n], info.AssocID, info.Stream)
			}
			result(0, "")
		default:
			_, info := recvData(c, rx)
			t0 := time.Now()
			for i := 1; i < count; i++ {
				_, info = recvData(c, rx)
			}
			wall := time.Since(t0).Seconds()
			send(c, []byte("k"), info.AssocID, 0)
			result(wall, "")
		}
		c.Close()
		return
	}

	// up and running: wait for the runner's go (it pins us to a CPU first)
	fmt.Println("BOOTED")
	bufio.NewReader(os.Stdin).ReadString('\n')

	if wl == "many" {
		conns := make([]*sctp.SCTPConn, count)
		rss0, heap0 := rss(), heap()
		t0 := time.Now()
		u0, s0 = cpu()
		for i := 0; i < count; i++ {
			c, fd := open(0)
			id := connect(fd, port)
			msg := payload
			if i == count-1 {
				msg = append([]byte("L"), payload[1:]...)
			}
			send(c, msg, id, 0)
			conns[i] = c
		}
		recvData(conns[count-1], rx)
		wall := time.Since(t0).Seconds()
		result(wall, fmt.Sprintf(" rss=%d heap=%d", rss()-rss0, heap()-heap0))
		for _, c := range conns {
			c.Close()
		}
		return
	}
	c, fd := open(0)
	id := connect(fd, port)
	t0 := time.Now()
	u0, s0 = cpu()
	if wl == "pingpong" {
		for i := 0; i < count; i++ {
			send(c, payload, id, 0)
			recvData(c, rx)
		}
	} else {
		for i := 0; i < count; i++ {
			send(c, payload, id, 0)
		}
		recvData(c, rx)
	}
	result(time.Since(t0).Seconds(), "")
	c.Close()
}
