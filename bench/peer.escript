#!/usr/bin/env escript
%% The Erlang/OTP gen_sctp peer of the lua-sctp benchmarks (bench/README.md):
%% the same workloads as peer.c.
%%
%%   escript peer.escript ROLE WORKLOAD PORT SIZE COUNT BUF
%%
%% Idiomatic gen_sctp: receivers in active mode ({sctp, ...} messages),
%% clients waiting for a reply with gen_sctp:recv/2 (passive). gen_sctp:send
%% never waits: on a full send buffer it returns {error, eagain}, and the
%% sender sleeps 1 ms and retries.
-mode(compile).
-include_lib("kernel/include/inet_sctp.hrl").

main([Role, Wl, PortS, SizeS, CountS, BufS]) ->
    Port = list_to_integer(PortS),
    Size = list_to_integer(SizeS),
    Count = list_to_integer(CountS),
    Buf = list_to_integer(BufS),
    put(args, {Role, Wl, Count}),
    Opts = [binary, {ip, {127, 0, 0, 1}}, {sctp_nodelay, true},
            {sndbuf, Buf}, {recbuf, Buf}, {buffer, Size + 65536},
            {sctp_events, #sctp_event_subscribe{
                             data_io_event = true, association_event = true,
                             address_event = true, send_failure_event = true,
                             peer_error_event = true, shutdown_event = true,
                             partial_delivery_event = true,
                             adaptation_layer_event = false}}],
    Payload = binary:copy(<<"x">>, Size),
    run(Role, Wl, Port, Size, Count, Opts, Payload);
main(_) ->
    io:format(standard_error, "usage: peer.escript ROLE WORKLOAD PORT SIZE COUNT BUF~n", []),
    halt(2).

fail(What, Why) ->
    {Role, Wl, _} = get(args),
    io:format(standard_error, "peer.escript ~s ~s: ~s: ~p~n", [Role, Wl, What, Why]),
    halt(1).

now_s() -> erlang:monotonic_time(nanosecond) / 1.0e9.

%% CPU seconds (user, system) of the whole emulator from /proc/self/stat.
cpu() ->
    {ok, Bin} = file:read_file("/proc/self/stat"),
    [_, Rest] = binary:split(Bin, <<") ">>),
    F = binary:split(Rest, <<" ">>, [global]),
    {binary_to_integer(lists:nth(12, F)) / 100, binary_to_integer(lists:nth(13, F)) / 100}.

rss() ->
    {ok, Bin} = file:read_file("/proc/self/statm"),
    [_, R | _] = binary:split(Bin, <<" ">>, [global]),
    binary_to_integer(R) * 4096.

result(Wall, {U0, S0}, Extra) ->
    {Role, Wl, Count} = get(args),
    {U1, S1} = cpu(),
    io:format("RESULT peer=erlang role=~s wl=~s count=~b wall=~.6f usr=~.6f sys=~.6f~s~n",
              [Role, Wl, Count, float(Wall), U1 - U0, S1 - S0, Extra]).

open(Port, Opts, Active) ->
    case gen_sctp:open(Port, [{active, Active} | Opts]) of
        {ok, S} -> S;
        {error, E} -> fail("open", E)
    end.

send(S, Id, Stream, Data) ->
    case gen_sctp:send(S, #sctp_sndrcvinfo{assoc_id = Id, stream = Stream}, Data) of
        ok -> ok;
        {error, eagain} -> timer:sleep(1), send(S, Id, Stream, Data);
        {error, E} -> fail("send", E)
    end.

%% Active mode: the next data message of socket S -> {Data, SndRcvInfo}.
next_data(S) ->
    receive
        {sctp, S, _, _, {[#sctp_sndrcvinfo{} = I], Data}} when is_binary(Data) -> {Data, I};
        {sctp, S, _, _, _Event} -> next_data(S)
    end.

%% Passive mode: the same with gen_sctp:recv.
recv_data(S) ->
    case gen_sctp:recv(S) of
        {ok, {_, _, [#sctp_sndrcvinfo{} = I], Data}} when is_binary(Data) -> {Data, I};
        {ok, _Event} -> recv_data(S);
        {error, E} -> fail("recv", E)
    end.

connect(S, Port) ->
    case gen_sctp:connect(S, {127, 0, 0, 1}, Port, []) of
        {ok, #sctp_assoc_change{assoc_id = Id}} -> Id;
        {error, E} -> fail("connect", E)
    end.

run("server", Wl, Port, _Size, Count, Opts, _Payload) ->
    S = open(Port, Opts, true),
    ok = gen_sctp:listen(S, true),
    Rss0 = rss(),
    Mem0 = erlang:memory(total),
    io:format("READY~n"),
    C0 = cpu(),
    case Wl of
        "many" ->
            Last = many_server(S, Count, undefined),
            Extra = io_lib:format(" rss=~b heap=~b", [rss() - Rss0, erlang:memory(total) - Mem0]),
            send(S, Last, 0, <<"k">>),
            result(0, C0, Extra);
        "pingpong" ->
            pong(S, Count),
            result(0, C0, "");
        "flood" ->
            {_, _} = next_data(S),
            T0 = now_s(),
            #sctp_sndrcvinfo{assoc_id = Id} = drain(S, Count - 1, undefined),
            T1 = now_s(),
            send(S, Id, 0, <<"k">>),
            result(T1 - T0, C0, "")
    end,
    gen_sctp:close(S);
run("client", Wl, Port, Size, Count, Opts, Payload) when not is_atom(Wl) ->
    %% up and running: wait for the runner's go (it pins us to a CPU first)
    io:format("BOOTED~n"),
    _ = io:get_line(""),
    run(client, list_to_atom(Wl), Port, Size, Count, Opts, Payload);
run(client, many, Port, _Size, Count, Opts, Payload) ->
    Rss0 = rss(),
    Mem0 = erlang:memory(total),
    T0 = now_s(),
    C0 = cpu(),
    Socks = many_client(Port, Count, Opts, Payload, []),
    recv_data(hd(Socks)),
    T1 = now_s(),
    Extra = io_lib:format(" rss=~b heap=~b", [rss() - Rss0, erlang:memory(total) - Mem0]),
    result(T1 - T0, C0, Extra),
    [gen_sctp:close(S) || S <- Socks];
run(client, Wl, Port, _Size, Count, Opts, Payload) ->
    S = open(0, Opts, false),
    Id = connect(S, Port),
    T0 = now_s(),
    C0 = cpu(),
    case Wl of
        pingpong -> ping(S, Id, Payload, Count);
        flood -> flood(S, Id, Payload, Count), recv_data(S)
    end,
    T1 = now_s(),
    result(T1 - T0, C0, ""),
    gen_sctp:close(S).

many_server(_S, 0, Last) -> Last;
many_server(S, N, Last) ->
    case next_data(S) of
        {<<"L", _/binary>>, #sctp_sndrcvinfo{assoc_id = Id}} -> many_server(S, N - 1, Id);
        _ -> many_server(S, N - 1, Last)
    end.

many_client(_Port, 0, _Opts, _Payload, Acc) -> Acc;
many_client(Port, N, Opts, Payload, Acc) ->
    S = open(0, Opts, false),
    Id = connect(S, Port),
    Data = case N of
               1 -> <<"L", (binary:part(Payload, 1, byte_size(Payload) - 1))/binary>>;
               _ -> Payload
           end,
    send(S, Id, 0, Data),
    many_client(Port, N - 1, Opts, Payload, [S | Acc]).

drain(_S, 0, Info) -> Info;
drain(S, N, _) ->
    {_, I} = next_data(S),
    drain(S, N - 1, I).

pong(_S, 0) -> ok;
pong(S, N) ->
    {Data, #sctp_sndrcvinfo{assoc_id = Id, stream = St}} = next_data(S),
    send(S, Id, St, Data),
    pong(S, N - 1).

ping(_S, _Id, _Payload, 0) -> ok;
ping(S, Id, Payload, N) ->
    send(S, Id, 0, Payload),
    recv_data(S),
    ping(S, Id, Payload, N - 1).

flood(_S, _Id, _Payload, 0) -> ok;
flood(S, Id, Payload, N) ->
    send(S, Id, 0, Payload),
    flood(S, Id, Payload, N - 1).
