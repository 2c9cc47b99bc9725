/* errno -> the lower-case POSIX name Erlang's inet uses ("eaddrinuse"), and the
 * failure triple nil, name, detail that every method returns on a failed call. */
#include "lsctp.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

typedef struct { int code; const char *name; } errname;

/* Each constant behind its own #ifdef: a libc without one still builds.
 * Aliases (EWOULDBLOCK, EDEADLK, EOPNOTSUPP) come after the names they alias,
 * so the first match is the common name. */
static const errname errnames[] = {
#ifdef E2BIG
    {E2BIG, "e2big"},
#endif
#ifdef EACCES
    {EACCES, "eacces"},
#endif
#ifdef EADDRINUSE
    {EADDRINUSE, "eaddrinuse"},
#endif
#ifdef EADDRNOTAVAIL
    {EADDRNOTAVAIL, "eaddrnotavail"},
#endif
#ifdef EADV
    {EADV, "eadv"},
#endif
#ifdef EAFNOSUPPORT
    {EAFNOSUPPORT, "eafnosupport"},
#endif
#ifdef EAGAIN
    {EAGAIN, "eagain"},
#endif
#ifdef EALREADY
    {EALREADY, "ealready"},
#endif
#ifdef EBADE
    {EBADE, "ebade"},
#endif
#ifdef EBADF
    {EBADF, "ebadf"},
#endif
#ifdef EBADFD
    {EBADFD, "ebadfd"},
#endif
#ifdef EBADMSG
    {EBADMSG, "ebadmsg"},
#endif
#ifdef EBADR
    {EBADR, "ebadr"},
#endif
#ifdef EBADRQC
    {EBADRQC, "ebadrqc"},
#endif
#ifdef EBADSLT
    {EBADSLT, "ebadslt"},
#endif
#ifdef EBFONT
    {EBFONT, "ebfont"},
#endif
#ifdef EBUSY
    {EBUSY, "ebusy"},
#endif
#ifdef ECANCELED
    {ECANCELED, "ecanceled"},
#endif
#ifdef ECHILD
    {ECHILD, "echild"},
#endif
#ifdef ECHRNG
    {ECHRNG, "echrng"},
#endif
#ifdef ECOMM
    {ECOMM, "ecomm"},
#endif
#ifdef ECONNABORTED
    {ECONNABORTED, "econnaborted"},
#endif
#ifdef ECONNREFUSED
    {ECONNREFUSED, "econnrefused"},
#endif
#ifdef ECONNRESET
    {ECONNRESET, "econnreset"},
#endif
#ifdef EDEADLOCK
    {EDEADLOCK, "edeadlock"},
#endif
#ifdef EDESTADDRREQ
    {EDESTADDRREQ, "edestaddrreq"},
#endif
#ifdef EDOM
    {EDOM, "edom"},
#endif
#ifdef EDOTDOT
    {EDOTDOT, "edotdot"},
#endif
#ifdef EDQUOT
    {EDQUOT, "edquot"},
#endif
#ifdef EEXIST
    {EEXIST, "eexist"},
#endif
#ifdef EFAULT
    {EFAULT, "efault"},
#endif
#ifdef EFBIG
    {EFBIG, "efbig"},
#endif
#ifdef EHOSTDOWN
    {EHOSTDOWN, "ehostdown"},
#endif
#ifdef EHOSTUNREACH
    {EHOSTUNREACH, "ehostunreach"},
#endif
#ifdef EIDRM
    {EIDRM, "eidrm"},
#endif
#ifdef EILSEQ
    {EILSEQ, "eilseq"},
#endif
#ifdef EINPROGRESS
    {EINPROGRESS, "einprogress"},
#endif
#ifdef EINTR
    {EINTR, "eintr"},
#endif
#ifdef EINVAL
    {EINVAL, "einval"},
#endif
#ifdef EIO
    {EIO, "eio"},
#endif
#ifdef EISCONN
    {EISCONN, "eisconn"},
#endif
#ifdef EISDIR
    {EISDIR, "eisdir"},
#endif
#ifdef EISNAM
    {EISNAM, "eisnam"},
#endif
#ifdef EKEYEXPIRED
    {EKEYEXPIRED, "ekeyexpired"},
#endif
#ifdef EKEYREJECTED
    {EKEYREJECTED, "ekeyrejected"},
#endif
#ifdef EKEYREVOKED
    {EKEYREVOKED, "ekeyrevoked"},
#endif
#ifdef EL2HLT
    {EL2HLT, "el2hlt"},
#endif
#ifdef EL2NSYNC
    {EL2NSYNC, "el2nsync"},
#endif
#ifdef EL3HLT
    {EL3HLT, "el3hlt"},
#endif
#ifdef EL3RST
    {EL3RST, "el3rst"},
#endif
#ifdef ELIBACC
    {ELIBACC, "elibacc"},
#endif
#ifdef ELIBBAD
    {ELIBBAD, "elibbad"},
#endif
#ifdef ELIBEXEC
    {ELIBEXEC, "elibexec"},
#endif
#ifdef ELIBMAX
    {ELIBMAX, "elibmax"},
#endif
#ifdef ELIBSCN
    {ELIBSCN, "elibscn"},
#endif
#ifdef ELNRNG
    {ELNRNG, "elnrng"},
#endif
#ifdef ELOOP
    {ELOOP, "eloop"},
#endif
#ifdef EMEDIUMTYPE
    {EMEDIUMTYPE, "emediumtype"},
#endif
#ifdef EMFILE
    {EMFILE, "emfile"},
#endif
#ifdef EMLINK
    {EMLINK, "emlink"},
#endif
#ifdef EMSGSIZE
    {EMSGSIZE, "emsgsize"},
#endif
#ifdef EMULTIHOP
    {EMULTIHOP, "emultihop"},
#endif
#ifdef ENAMETOOLONG
    {ENAMETOOLONG, "enametoolong"},
#endif
#ifdef ENAVAIL
    {ENAVAIL, "enavail"},
#endif
#ifdef ENETDOWN
    {ENETDOWN, "enetdown"},
#endif
#ifdef ENETRESET
    {ENETRESET, "enetreset"},
#endif
#ifdef ENETUNREACH
    {ENETUNREACH, "enetunreach"},
#endif
#ifdef ENFILE
    {ENFILE, "enfile"},
#endif
#ifdef ENOANO
    {ENOANO, "enoano"},
#endif
#ifdef ENOBUFS
    {ENOBUFS, "enobufs"},
#endif
#ifdef ENOCSI
    {ENOCSI, "enocsi"},
#endif
#ifdef ENODATA
    {ENODATA, "enodata"},
#endif
#ifdef ENODEV
    {ENODEV, "enodev"},
#endif
#ifdef ENOENT
    {ENOENT, "enoent"},
#endif
#ifdef ENOEXEC
    {ENOEXEC, "enoexec"},
#endif
#ifdef ENOKEY
    {ENOKEY, "enokey"},
#endif
#ifdef ENOLCK
    {ENOLCK, "enolck"},
#endif
#ifdef ENOLINK
    {ENOLINK, "enolink"},
#endif
#ifdef ENOMEDIUM
    {ENOMEDIUM, "enomedium"},
#endif
#ifdef ENOMEM
    {ENOMEM, "enomem"},
#endif
#ifdef ENOMSG
    {ENOMSG, "enomsg"},
#endif
#ifdef ENONET
    {ENONET, "enonet"},
#endif
#ifdef ENOPKG
    {ENOPKG, "enopkg"},
#endif
#ifdef ENOPROTOOPT
    {ENOPROTOOPT, "enoprotoopt"},
#endif
#ifdef ENOSPC
    {ENOSPC, "enospc"},
#endif
#ifdef ENOSR
    {ENOSR, "enosr"},
#endif
#ifdef ENOSTR
    {ENOSTR, "enostr"},
#endif
#ifdef ENOSYS
    {ENOSYS, "enosys"},
#endif
#ifdef ENOTBLK
    {ENOTBLK, "enotblk"},
#endif
#ifdef ENOTCONN
    {ENOTCONN, "enotconn"},
#endif
#ifdef ENOTDIR
    {ENOTDIR, "enotdir"},
#endif
#ifdef ENOTEMPTY
    {ENOTEMPTY, "enotempty"},
#endif
#ifdef ENOTNAM
    {ENOTNAM, "enotnam"},
#endif
#ifdef ENOTRECOVERABLE
    {ENOTRECOVERABLE, "enotrecoverable"},
#endif
#ifdef ENOTSOCK
    {ENOTSOCK, "enotsock"},
#endif
#ifdef ENOTSUP
    {ENOTSUP, "enotsup"},
#endif
#ifdef ENOTTY
    {ENOTTY, "enotty"},
#endif
#ifdef ENOTUNIQ
    {ENOTUNIQ, "enotuniq"},
#endif
#ifdef ENXIO
    {ENXIO, "enxio"},
#endif
#ifdef EOVERFLOW
    {EOVERFLOW, "eoverflow"},
#endif
#ifdef EOWNERDEAD
    {EOWNERDEAD, "eownerdead"},
#endif
#ifdef EPERM
    {EPERM, "eperm"},
#endif
#ifdef EPFNOSUPPORT
    {EPFNOSUPPORT, "epfnosupport"},
#endif
#ifdef EPIPE
    {EPIPE, "epipe"},
#endif
#ifdef EPROTO
    {EPROTO, "eproto"},
#endif
#ifdef EPROTONOSUPPORT
    {EPROTONOSUPPORT, "eprotonosupport"},
#endif
#ifdef EPROTOTYPE
    {EPROTOTYPE, "eprototype"},
#endif
#ifdef ERANGE
    {ERANGE, "erange"},
#endif
#ifdef EREMCHG
    {EREMCHG, "eremchg"},
#endif
#ifdef EREMOTE
    {EREMOTE, "eremote"},
#endif
#ifdef EREMOTEIO
    {EREMOTEIO, "eremoteio"},
#endif
#ifdef ERESTART
    {ERESTART, "erestart"},
#endif
#ifdef ERFKILL
    {ERFKILL, "erfkill"},
#endif
#ifdef EROFS
    {EROFS, "erofs"},
#endif
#ifdef ESHUTDOWN
    {ESHUTDOWN, "eshutdown"},
#endif
#ifdef ESOCKTNOSUPPORT
    {ESOCKTNOSUPPORT, "esocktnosupport"},
#endif
#ifdef ESPIPE
    {ESPIPE, "espipe"},
#endif
#ifdef ESRCH
    {ESRCH, "esrch"},
#endif
#ifdef ESRMNT
    {ESRMNT, "esrmnt"},
#endif
#ifdef ESTALE
    {ESTALE, "estale"},
#endif
#ifdef ESTRPIPE
    {ESTRPIPE, "estrpipe"},
#endif
#ifdef ETIME
    {ETIME, "etime"},
#endif
#ifdef ETIMEDOUT
    {ETIMEDOUT, "etimedout"},
#endif
#ifdef ETOOMANYREFS
    {ETOOMANYREFS, "etoomanyrefs"},
#endif
#ifdef ETXTBSY
    {ETXTBSY, "etxtbsy"},
#endif
#ifdef EUCLEAN
    {EUCLEAN, "euclean"},
#endif
#ifdef EUNATCH
    {EUNATCH, "eunatch"},
#endif
#ifdef EUSERS
    {EUSERS, "eusers"},
#endif
#ifdef EXDEV
    {EXDEV, "exdev"},
#endif
#ifdef EXFULL
    {EXFULL, "exfull"},
#endif
#ifdef EWOULDBLOCK
    {EWOULDBLOCK, "ewouldblock"},
#endif
#ifdef EDEADLK
    {EDEADLK, "edeadlk"},
#endif
#ifdef EOPNOTSUPP
    {EOPNOTSUPP, "eopnotsupp"},
#endif
};

const char *lsctp_errname(int err)
{
    size_t i;
    for (i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
        if (errnames[i].code == err)
            return errnames[i].name;
    return NULL;
}

int lsctp_pusherrno(lua_State *L, int err, const char *context)
{
    const char *name = lsctp_errname(err);
    lua_pushnil(L);
    if (name)
        lua_pushstring(L, name);
    else
        lua_pushfstring(L, "errno%d", err);
    lua_pushfstring(L, "%s: %s", context, strerror(err));
    return 3;
}

int lsctp_pushfail(lua_State *L, const char *name, const char *detail)
{
    lua_pushnil(L);
    lua_pushstring(L, name);
    lua_pushstring(L, detail);
    return 3;
}

int lsctp_pushfailf(lua_State *L, const char *name, const char *fmt, ...)
{
    va_list ap;
    lua_pushnil(L);
    lua_pushstring(L, name);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return 3;
}
