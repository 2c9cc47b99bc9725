/* What usrsctp_init opens: lists this process's sockets after init. */
#include <usrsctp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 9899;
    usrsctp_init((uint16_t)port, NULL, NULL);
    usleep(100000);
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while ((e = readdir(d))) {
        int fd = atoi(e->d_name), type = 0, proto = 0, rcv = 0, snd = 0;
        socklen_t l = sizeof type;
        struct sockaddr_storage ss; socklen_t sl = sizeof ss;
        if (e->d_name[0] == '.' || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0) continue;
        l = sizeof proto; getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
        l = sizeof rcv; getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &l);
        l = sizeof snd; getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &l);
        getsockname(fd, (struct sockaddr *)&ss, &sl);
        printf("fd %d family %d type %d proto %d port %d rcvbuf %d sndbuf %d\n", fd, ss.ss_family, type, proto,
               ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port) :
               ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : -1, rcv, snd);
    }
    printf("usrsctp_finish with no socket: %d\n", usrsctp_finish());
    return 0;
}
