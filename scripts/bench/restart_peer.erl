#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%%
%% The Erlang/OTP peer of scripts/bench/restart.sh: the reference for
%% supervision. A one_for_one supervisor (no backoff: OTP restarts at once)
%% with one permanent gen_server child, registered as restart_peer_child,
%% that holds some state. Per round:
%%
%%   t0   gen_server:cast(restart_peer_child, crash)   the child raises
%%        in its handler, like lunchmesh's injected fault
%%   t1   the first gen_server:call(restart_peer_child, get) that succeeds
%%        on a new pid; a call that fails (the name is gone, or still
%%        names the dying process) is retried at once
%%
%% latency = t1 - t0, the Erlang twin of lunchbench-restart's entity round.
%% Crash reports go through logger to LOGFILE (as lunchmesh's log lines go
%% to a file), not to the terminal; LOGFILE "none" turns logging off.
%%
%% usage: restart_peer.erl ROUNDS WARMUP GAP_MS TIMEOUT_MS LOGFILE
%% prints one JSON object: rounds, failures, p50_us, p99_us, max_us, ...
-module(restart_peer).
-mode(compile).
%% One module is both the supervisor's callback (init(sup)) and the
%% child's (init(child)); only one -behaviour, so the shared init/1 warns
%% no one.
-behaviour(gen_server).

-export([main/1, start_child/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(CHILD, restart_peer_child).
-define(SUP, restart_peer_sup).

main([Rounds, Warmup, Gap, Timeout, LogFile]) ->
    R = list_to_integer(Rounds),
    W = list_to_integer(Warmup),
    G = list_to_integer(Gap),
    T = list_to_integer(Timeout),
    ok = logger:remove_handler(default),
    case LogFile of
        "none" -> ok = logger:set_primary_config(level, none);
        _ -> ok = logger:add_handler(peer_file, logger_std_h,
                                     #{config => #{file => LogFile}})
    end,
    {ok, _} = supervisor:start_link({local, ?SUP}, ?MODULE, sup),
    run(W, G, T, warmup),
    Results = run(R, G, T, measured),
    report(R, Results),
    halt(0);
main(_) ->
    io:format(standard_error,
              "usage: restart_peer.erl ROUNDS WARMUP GAP_MS TIMEOUT_MS LOGFILE~n",
              []),
    halt(2).

%% -- the measurement ---------------------------------------------------------

run(N, Gap, Timeout, _Kind) ->
    [begin
         Result = crash_round(Timeout),
         timer:sleep(Gap),
         Result
     end || _ <- lists:seq(1, N)].

%% {ok, Micros, Retries} or {failed, Why}.
crash_round(Timeout) ->
    Old = whereis(?CHILD),
    T0 = erlang:monotonic_time(),
    Deadline = T0 + erlang:convert_time_unit(Timeout, millisecond, native),
    gen_server:cast(?CHILD, crash),
    probe(Old, T0, Deadline, Timeout, 0).

probe(Old, T0, Deadline, Timeout, Retries) ->
    Now = erlang:monotonic_time(),
    case Now >= Deadline of
        true ->
            {failed, io_lib:format("no successful call within ~b ms (~b retries)",
                                   [Timeout, Retries])};
        false ->
            Left = max(1, erlang:convert_time_unit(Deadline - Now, native,
                                                   millisecond)),
            try gen_server:call(?CHILD, get, Left) of
                {ok, Pid, _Count} when Pid =/= Old ->
                    T1 = erlang:monotonic_time(),
                    {ok, erlang:convert_time_unit(T1 - T0, native, nanosecond)
                         / 1000.0, Retries};
                {ok, Old, _Count} ->
                    %% Cannot happen: the old child handles the cast first.
                    {failed, "the crashed child answered"}
            catch
                exit:_ ->
                    %% Let the supervisor run: without the yield this
                    %% process spins through its whole reduction budget
                    %% (~330 failed calls, ~190 us) before the supervisor,
                    %% queued on the same scheduler, can restart the child.
                    erlang:yield(),
                    probe(Old, T0, Deadline, Timeout, Retries + 1)
            end
    end.

report(Rounds, Results) ->
    Lat = lists:sort([Us || {ok, Us, _} <- Results]),
    Retries = [Rt || {ok, _, Rt} <- Results],
    Failures = [lists:flatten(Why) || {failed, Why} <- Results],
    N = length(Lat),
    Mean = case N of 0 -> 0.0; _ -> lists:sum(Lat) / N end,
    MeanRetries = case N of 0 -> 0.0; _ -> lists:sum(Retries) / N end,
    Max = case Lat of [] -> 0.0; _ -> lists:last(Lat) end,
    io:format("{\"rounds\":~b,\"failures\":~b,\"p50_us\":~.3f,\"p99_us\":~.3f,"
              "\"max_us\":~.3f,\"mean_us\":~.3f,\"mean_retries\":~.3f,"
              "\"otp_release\":\"~s\",\"schedulers\":~b,"
              "\"failure_samples\":[~s]}~n",
              [Rounds, length(Failures), pct(50, Lat), pct(99, Lat), Max,
               Mean, MeanRetries, erlang:system_info(otp_release),
               erlang:system_info(schedulers_online),
               lists:join(",", [io_lib:format("~p", [F])
                                || F <- lists:sublist(Failures, 5)])]).

%% Nearest rank on the sorted samples, as lunchbench-restart.
pct(_, []) ->
    0.0;
pct(P, Sorted) ->
    N = length(Sorted),
    Rank = min(trunc(P / 100 * N), N - 1),
    lists:nth(Rank + 1, Sorted).

%% -- the supervisor ------------------------------------------------------------

init(sup) ->
    %% Intensity high enough that no run trips it (as in lunchbench-restart).
    {ok, {#{strategy => one_for_one, intensity => 1000000, period => 1},
          [#{id => ?CHILD, start => {?MODULE, start_child, []},
             restart => permanent, shutdown => 5000, type => worker}]}};
%% -- the child (gen_server) --------------------------------------------------
init(child) ->
    %% Some state, like a user entity's profile.
    {ok, #{count => 0,
           profile => #{nickname => <<"restart bench">>,
                        foods => [<<"한식"/utf8>>, <<"중식"/utf8>>],
                        preferred_time => <<"12:00">>}}}.

start_child() ->
    gen_server:start_link({local, ?CHILD}, ?MODULE, child, []).

handle_call(get, _From, #{count := C} = S) ->
    {reply, {ok, self(), C}, S#{count := C + 1}}.

handle_cast(crash, _S) ->
    erlang:error(injected_fault).

handle_info(_, S) ->
    {noreply, S}.
