#!/usr/bin/env bash
# End-to-end test of the notification inbox (spec §10.1, S19) on one lunchd
# node driven by lunchctl: the inbox commands with their exact outputs, the
# S19 read-all / clear-read flow, request ids, ids routed to every shard,
# a deleted user's inbox, unknown users and ids (exit 1) and bad input
# (exit 2). The notifications come from `notify add` only (the old app's
# POST /notifications), so that the party events' own deliveries never
# change the counts here. Own PostgreSQL and ports, like the other e2e
# tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

e2e_begin e2e-ntf

# The list table: ID, CREATED, READ and TYPE are ASCII, so printf aligns
# them as lunchctl does; the last column is not padded. Rows are
# "id|created|read|type|text" (with $1 the unread count).
inbox_table() {
  local unread=$1 row id created read type text idw=2 cw=7 tw=4
  shift
  for row in "$@"; do
    IFS='|' read -r id created read type text <<<"$row"
    if ((${#id} > idw)); then idw=${#id}; fi
    if ((${#created} > cw)); then cw=${#created}; fi
    if ((${#type} > tw)); then tw=${#type}; fi
  done
  printf 'unread: %s\n' "$unread"
  printf "%-${idw}s  %-${cw}s  %-4s  %-${tw}s  %s\n" ID CREATED READ TYPE NOTIFICATION
  for row in "$@"; do
    IFS='|' read -r id created read type text <<<"$row"
    printf "%-${idw}s  %-${cw}s  %-4s  %-${tw}s  %s\n" "$id" "$created" "$read" "$type" "$text"
  done
}

# The id and created_at of item $1 of the last `notify list --json`.
item() {
  json_value "\"%s|%s\" % (d[\"notifications\"][$1][\"id\"], d[\"notifications\"][$1][\"created_at\"])"
}

# -----------------------------------------------------------------------------
section "setup: one node, the seed users"
e2e_start_pg_and_config e2e-ntf
start_lunchd "$WORK/node.json"
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"
expect_json 'd["created"]' '20'

# -----------------------------------------------------------------------------
section "1. an empty inbox"
expect_rc 0 -- ctl --json notify list 2
expect_json 'd' '{"unread_count": 0, "notifications": []}'
expect_json 'list(d)' '["unread_count", "notifications"]'
expect_rc 0 -- ctl notify list 2
expect_eq "empty inbox" "$(inbox_table 0)" "$OUT"

# -----------------------------------------------------------------------------
section "2. S19: notifications arrive, newest first, with icon and sender"
expect_rc 0 -- ctl --json notify add 2 --type party_invite --title "파티 초대" \
  --message "김철수님이 금요 점심에 초대했습니다." --related-id 16385 --related-type party
expect_json 'd' '{"message": "알림이 생성되었습니다.", "created": true}'
expect_rc 0 -- ctl notify add 2 --type friend_request --title "친구 요청" \
  --message "김철수님이 친구 요청을 보냈습니다." --related-id 1 --related-type user
expect_eq "notify add" "sent a friend_request notification to 2" "$OUT"
expect_rc 0 -- ctl --json notify add 2 --type general
expect_rc 0 -- ctl --json notify list 2
expect_json 'd["unread_count"]' '3'
expect_json '[n["type"] for n in d["notifications"]]' '["general", "friend_request", "party_invite"]'
expect_json 'list(d["notifications"][2])' \
  '["id", "type", "title", "message", "icon", "is_read", "created_at", "related_id", "related_type", "sender_info"]'
expect_json '{k: v for k, v in d["notifications"][2].items() if k not in ("id", "created_at")}' \
  '{"type": "party_invite", "title": "파티 초대", "message": "김철수님이 금요 점심에 초대했습니다.", "icon": "🎉", "is_read": false, "related_id": 16385, "related_type": "party", "sender_info": null}'
expect_json 'd["notifications"][1]["icon"]' '"👋"'
expect_json 'd["notifications"][1]["related_id"]' '1'
expect_json 'd["notifications"][1]["sender_info"]' '{"employee_id": "1", "nickname": "김철수"}'
expect_json '{k: v for k, v in d["notifications"][0].items() if k not in ("id", "created_at")}' \
  '{"type": "general", "title": "알림", "message": "새로운 알림이 있습니다.", "icon": "📄", "is_read": false, "related_id": null, "related_type": "", "sender_info": null}'
expect_json 'all(len(c) == 19 and c[4] + c[7] + c[10] + c[13] + c[16] == "-- ::" for c in (n["created_at"] for n in d["notifications"]))' 'true'
expect_json 'd["notifications"][0]["id"] > d["notifications"][1]["id"] > d["notifications"][2]["id"]' 'true'
IFS='|' read -r GEN GEN_AT <<<"$(item 0)"
IFS='|' read -r FRQ FRQ_AT <<<"$(item 1)"
IFS='|' read -r INV INV_AT <<<"$(item 2)"
[[ -n $INV && -n $INV_AT ]] || fatal "notify list printed no ids: $OUT"
# Ids carry the recipient's slot, like party ids.
run ctl --json user shard 2
SLOT2=$(json_value 'd["slot"]')
expect_eq "slot in the id" "$SLOT2 $SLOT2 $SLOT2" \
  "$((GEN % 16384)) $((FRQ % 16384)) $((INV % 16384))"
expect_rc 0 -- ctl notify list 2
expect_eq "inbox table" "$(inbox_table 3 \
  "$GEN|$GEN_AT|no|general|📄 알림: 새로운 알림이 있습니다." \
  "$FRQ|$FRQ_AT|no|friend_request|👋 친구 요청: 김철수님이 친구 요청을 보냈습니다." \
  "$INV|$INV_AT|no|party_invite|🎉 파티 초대: 김철수님이 금요 점심에 초대했습니다.")" "$OUT"

# -----------------------------------------------------------------------------
section "3. S19: read one, read-all, clear-read"
expect_rc 0 -- ctl --json notify read "$INV"
expect_json 'd["message"]' '"알림을 읽음으로 처리했습니다."'
expect_json 'd["notification"]["is_read"]' 'true'
expect_json '[d["notification"]["id"], d["notification"]["created_at"]]' "[$INV, \"$INV_AT\"]"
# Reading it again changes nothing.
expect_rc 0 -- ctl notify read "$INV"
expect_eq "notify read" "$(printf '%s\n' \
  "id:           $INV" \
  "type:         party_invite" \
  "title:        파티 초대" \
  "message:      김철수님이 금요 점심에 초대했습니다." \
  "icon:         🎉" \
  "is_read:      true" \
  "created_at:   $INV_AT" \
  "related_id:   16385" \
  "related_type: party")" "$OUT"
expect_rc 0 -- ctl --json notify list 2 --unread
expect_json '[d["unread_count"], [n["id"] for n in d["notifications"]]]' "[2, [$GEN, $FRQ]]"
expect_rc 0 -- ctl notify read-all 2
expect_eq "read-all" "2개의 알림을 읽음으로 처리했습니다." "$OUT"
expect_rc 0 -- ctl --json notify list 2
expect_json 'd["unread_count"]' '0'
expect_json '[n["is_read"] for n in d["notifications"]]' '[true, true, true]'
expect_rc 0 -- ctl --json notify read-all 2
expect_json 'd' '{"message": "0개의 알림을 읽음으로 처리했습니다.", "count": 0}'
expect_rc 0 -- ctl --json notify list 2 --unread
expect_json 'd' '{"unread_count": 0, "notifications": []}'
expect_rc 0 -- ctl --json notify add 2 --type system --title "점검 안내" --message "오늘 밤 점검이 있습니다."
expect_rc 0 -- ctl --json notify list 2
IFS='|' read -r SYS SYS_AT <<<"$(item 0)"
expect_rc 0 -- ctl notify clear-read 2
expect_eq "clear-read" "3개의 읽은 알림을 삭제했습니다." "$OUT"
expect_rc 0 -- ctl notify list 2
expect_eq "after clear-read" "$(inbox_table 1 \
  "$SYS|$SYS_AT|no|system|📢 점검 안내: 오늘 밤 점검이 있습니다.")" "$OUT"
expect_rc 0 -- ctl --json notify clear-read 2
expect_json 'd' '{"message": "0개의 읽은 알림을 삭제했습니다.", "count": 0}'
expect_rc 0 -- ctl notify delete "$SYS"
expect_eq "delete" "deleted notification $SYS" "$OUT"
expect_rc 1 -- ctl --json notify delete "$SYS"
expect_json 'd' "{\"error\": \"not_found\", \"message\": \"notification $SYS not found\"}"
expect_rc 0 -- ctl --json notify list 2
expect_json 'd' '{"unread_count": 0, "notifications": []}'

# -----------------------------------------------------------------------------
section "4. request ids: a repeated write applies once"
expect_rc 0 -- ctl --json --request-id ntf-add-1 notify add 3 --type points_earned \
  --title "포인트 획득" --message "50포인트를 받았습니다." --related-type points
expect_json 'd["created"]' 'true'
expect_rc 0 -- ctl --json --request-id ntf-add-1 notify add 3 --type points_earned \
  --title "포인트 획득" --message "50포인트를 받았습니다." --related-type points
expect_json 'd["created"]' 'true'
expect_rc 0 -- ctl --json notify list 3
expect_json '[d["unread_count"], len(d["notifications"]), d["notifications"][0]["icon"]]' '[1, 1, "⭐"]'
P3=$(json_value 'd["notifications"][0]["id"]')
expect_rc 0 -- ctl --json --request-id ntf-del-1 notify delete "$P3"
expect_json 'd' "{\"message\": \"알림이 삭제되었습니다.\", \"notification_id\": $P3}"
expect_rc 0 -- ctl --json --request-id ntf-del-1 notify delete "$P3"
expect_json 'd["notification_id"]' "$P3"

# -----------------------------------------------------------------------------
section "5. every shard: ids route by their slot"
for u in 1 4 5 6 7 8; do
  expect_rc 0 -- ctl notify add "$u" --type badge_earned --title "배지" --message "새 배지"
done
for u in 1 4 5 6 7 8; do
  expect_rc 0 -- ctl --json notify list "$u"
  id=$(json_value 'd["notifications"][0]["id"]')
  run ctl --json user shard "$u"
  expect_eq "slot of notification $id of user $u" "$(json_value 'd["slot"]')" "$((id % 16384))"
  expect_rc 0 -- ctl --json notify read "$id"
  expect_json '[d["notification"]["is_read"], d["notification"]["icon"]]' '[true, "🏆"]'
done
expect_rc 0 -- ctl --json shard stats
expect_json 'sorted(d["shard_details"])' '["0", "1", "2", "3"]'

# -----------------------------------------------------------------------------
section "6. a deleted user's notifications go with them"
expect_rc 0 -- ctl notify add 9 --type system
expect_rc 0 -- ctl user delete 9
expect_rc 1 -- ctl --json notify list 9
expect_err_code not_found
expect_rc 0 -- ctl user create 9 --nickname 새사람
expect_rc 0 -- ctl --json notify list 9
expect_json 'd' '{"unread_count": 0, "notifications": []}'

# -----------------------------------------------------------------------------
section "7. unknown users and ids: exit 1"
expect_rc 1 -- ctl --json notify list nouser
expect_json 'd' '{"error": "not_found", "message": "user nouser not found"}'
expect_rc 1 -- ctl notify list nouser
expect_eq "stderr" "error: not_found: user nouser not found" "$ERR"
expect_rc 1 -- ctl --json notify read-all nouser
expect_err_code not_found
expect_rc 1 -- ctl --json notify clear-read nouser
expect_err_code not_found
expect_rc 1 -- ctl --json notify add nouser --type system
expect_json 'd' '{"error": "not_found", "message": "user nouser not found"}'
expect_rc 1 -- ctl --json notify read 999999999
expect_json 'd' '{"error": "not_found", "message": "notification 999999999 not found"}'
expect_rc 1 -- ctl --json notify delete 999999999
expect_err_code not_found

# -----------------------------------------------------------------------------
section "8. bad input: exit 2, nothing sent"
expect_rc 2 -- ctl notify
expect_rc 2 -- ctl notify bogus
expect_rc 2 -- ctl notify list
expect_rc 2 -- ctl notify read
expect_rc 2 -- ctl notify read abc
expect_rc 2 -- ctl notify read 0
expect_rc 2 -- ctl notify delete -5
expect_rc 2 -- ctl notify read-all
expect_rc 2 -- ctl notify clear-read
expect_rc 2 -- ctl notify add 2
expect_contains "--type" "$ERR" stderr
expect_rc 2 -- ctl notify add 2 --type ""
expect_contains "type: required" "$ERR" stderr
expect_rc 2 -- ctl notify add 2 --type "Party Invite"
expect_contains "type:" "$ERR" stderr
expect_rc 2 -- ctl notify add 2 --type system --related-id -1
expect_rc 2 -- ctl notify add 2 --type system --related-id x
expect_rc 2 -- ctl notify add 2 --type system --title "$(printf 'a%.0s' {1..101})"
expect_contains "title:" "$ERR" stderr
expect_rc 2 -- ctl notify list 2 --bogus
expect_rc 0 -- ctl --json notify list 2
expect_json 'd["notifications"]' '[]'

# -----------------------------------------------------------------------------
section "9. graceful stop"
stop_lunchd_with TERM

echo "runtime: $((($(now_us) - E2E_T0) / 1000)) ms"
summary
