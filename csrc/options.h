/* The option table (option_table.c) as options.c reads it. */
#ifndef LSCTP_OPTIONS_H
#define LSCTP_OPTIONS_H

#include "codec.h"

typedef enum { K_SCALAR, K_RECORD, K_SPECIAL } lsctp_option_kind;
enum { RO = 1, WO = 2, KEYED = 4 };   /* KEYED: a special option read with a table of keys */

struct lsctp_option;
typedef int (*lsctp_special_get)(lua_State *L, lsctp_socket *s, const struct lsctp_option *o);
typedef int (*lsctp_special_set)(lua_State *L, lsctp_socket *s, const struct lsctp_option *o,
                                 int idx);

typedef struct lsctp_option {
    const char *name;
    int level, optname;
    unsigned char kind, access;
    unsigned short size;        /* bytes of the C struct */
    const lsctp_field *fields;  /* K_SCALAR: the one value field */
    lsctp_special_get get;      /* K_SPECIAL */
    lsctp_special_set set;
} lsctp_option;

/* The argument paths of option errors (csrc/args.c has the format):
 * options are given in setopts' (and open's, connect's) `opts` table and
 * in getopts' `names`. */
#define SET_WHAT "setopts: opts"
#define GET_WHAT "getopts: names"
#define SET_OPTION(name) SET_WHAT ": option '" name "'"
#define GET_OPTION(name) GET_WHAT ": option '" name "'"

/* Up to a row with name NULL. */
extern const lsctp_option lsctp_options[];

/* Pushes nil, err, "getopts|setopts <name>" for errno; returns 3. */
int lsctp_sockopt_fail(lua_State *L, const lsctp_option *o, int set);

/* The assoc_id field of the table at idx (0 when absent): whether one was
 * given; raises naming `what` for a bad one. */
int lsctp_opt_assoc_field(lua_State *L, int idx, const char *what, sctp_assoc_t *id);
/* The same for the keys of a KEYED special option's getopt (argument 3:
 * nil, or a table holding at most assoc_id). */
int lsctp_opt_assoc_arg(lua_State *L, const char *what, sctp_assoc_t *id);

/* The special options (option_special.c, option_auth.c). */
int lsctp_opt_get_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_events(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_events(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_assoc_ids(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_auth_chunk(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_get_auth_chunks(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_get_hmac_ident(lua_State *L, lsctp_socket *s, const lsctp_option *o);
int lsctp_opt_set_hmac_ident(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);
int lsctp_opt_set_auth_key(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx);

#endif
