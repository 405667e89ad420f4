# lobbykit's `Steam` for Godot 4: add this script as an autoload named `Steam` (in place of the GodotSteam module or
# extension) and a game written against GodotSteam's lobby and P2P API plays through `lobbykit serve` on this machine,
# with no Steam client and no second account: from the desktop engine, or from a web export in a page on this machine.
# It is a client of the loopback service like any other (the service gives it its id and stamps every packet with
# it), so lobbykit runtimes on the loopback backend see it as a lobby member. The Godot 3 version is steam.gd.
#
# Names, argument orders, defaults and return shapes are GodotSteam's for Godot 4: the godot4 branch's godotsteam.cpp
# at commit 72d2e71 (version 4.11; github.com/GodotSteam/GodotSteam), cited below as "gs4 :line". Initialization
# follows 4.14 and later, where steamInit returns a bool and neither init function takes the old `retrieve_stats`
# argument (GodotSteam-Docs commit 9c5b994: docs/changelog/godot4.md "Version 4.14", docs/classes/main.md
# steamInit / steamInitEx, docs/tutorials/initializing.md). The lobby and P2P calls did not change from 4.11 to 4.16
# (the same changelog).
#
# Configuration, read at steamInit: where the service is (default ws://127.0.0.1:27015) and the persona name others
# see. The desktop engine reads the environment variables LOBBYKIT_URL and LOBBYKIT_NAME; a web export reads the
# page's query parameters lobbykit_url and lobbykit_name (a page has no environment).
# Wire protocol: src/effects/loopback/protocol.ts (version 1); its TypeScript client is the reference.
extends Node

# ---------------------------------------------------------------------------------------------------------------
# Constants, as GodotSteam binds them (the enums of gs4 godotsteam.h), with the values of Steam's headers.

const RESULT_OK = 1
const RESULT_FAIL = 2
const RESULT_NO_CONNECTION = 3
const RESULT_SERVICE_UNAVAILABLE = 20
const STEAM_API_INIT_RESULT_OK = 0
const STEAM_API_INIT_RESULT_FAILED_GENERIC = 1
const STEAM_API_INIT_RESULT_NO_STEAM_CLIENT = 2
const STEAM_API_INIT_RESULT_VERSION_MISMATCH = 3
const LOBBY_TYPE_PRIVATE = 0
const LOBBY_TYPE_FRIENDS_ONLY = 1
const LOBBY_TYPE_PUBLIC = 2
const LOBBY_TYPE_INVISIBLE = 3
const LOBBY_COMPARISON_EQUAL_TO_OR_LESS_THAN = -2
const LOBBY_COMPARISON_LESS_THAN = -1
const LOBBY_COMPARISON_EQUAL = 0
const LOBBY_COMPARISON_GREATER_THAN = 1
const LOBBY_COMPARISON_EQUAL_TO_GREATER_THAN = 2
const LOBBY_COMPARISON_NOT_EQUAL = 3
const LOBBY_DISTANCE_FILTER_CLOSE = 0
const LOBBY_DISTANCE_FILTER_DEFAULT = 1
const LOBBY_DISTANCE_FILTER_FAR = 2
const LOBBY_DISTANCE_FILTER_WORLDWIDE = 3
const CHAT_MEMBER_STATE_CHANGE_ENTERED = 1
const CHAT_MEMBER_STATE_CHANGE_LEFT = 2
const CHAT_MEMBER_STATE_CHANGE_DISCONNECTED = 4
const CHAT_MEMBER_STATE_CHANGE_KICKED = 8
const CHAT_MEMBER_STATE_CHANGE_BANNED = 16
const CHAT_ROOM_ENTER_RESPONSE_SUCCESS = 1
const CHAT_ROOM_ENTER_RESPONSE_DOESNT_EXIST = 2
const CHAT_ROOM_ENTER_RESPONSE_NOT_ALLOWED = 3
const CHAT_ROOM_ENTER_RESPONSE_FULL = 4
const CHAT_ROOM_ENTER_RESPONSE_ERROR = 5
const CHAT_ROOM_ENTER_RESPONSE_BANNED = 6
const CHAT_ROOM_ENTER_RESPONSE_LIMITED = 7
const CHAT_ROOM_ENTER_RESPONSE_CLAN_DISABLED = 8
const CHAT_ROOM_ENTER_RESPONSE_COMMUNITY_BAN = 9
const CHAT_ROOM_ENTER_RESPONSE_MEMBER_BLOCKED_YOU = 10
const CHAT_ROOM_ENTER_RESPONSE_YOU_BLOCKED_MEMBER = 11
const CHAT_ROOM_ENTER_RESPONSE_RATE_LIMIT_EXCEEDED = 15
const CHAT_ENTRY_TYPE_INVALID = 0
const CHAT_ENTRY_TYPE_CHAT_MSG = 1
const P2P_SEND_UNRELIABLE = 0
const P2P_SEND_UNRELIABLE_NO_DELAY = 1
const P2P_SEND_RELIABLE = 2
const P2P_SEND_RELIABLE_WITH_BUFFERING = 3
const P2P_SESSION_ERROR_NONE = 0
const P2P_SESSION_ERROR_NOT_RUNNING_APP = 1
const P2P_SESSION_ERROR_NO_RIGHTS_TO_APP = 2
const P2P_SESSION_ERROR_DESTINATION_NOT_LOGGED_ON = 3
const P2P_SESSION_ERROR_TIMEOUT = 4
const P2P_SESSION_ERROR_MAX = 5
const PERSONA_CHANGE_NAME = 1

# ---------------------------------------------------------------------------------------------------------------
# Signals, with GodotSteam's argument orders (gs4 ADD_SIGNAL, 9979-10166; the emitting callbacks cited).

signal lobby_created(connect: int, lobby_id: int)  # gs4 :8664
signal lobby_match_list(lobbies: Array)  # gs4 :8678, an Array of lobby ids
signal lobby_joined(lobby: int, permissions: int, locked: bool, response: int)  # gs4 :7940
signal lobby_chat_update(lobby_id: int, changed_id: int, making_change_id: int, chat_state: int)  # gs4 :7912
signal lobby_message(lobby_id: int, user: int, message: String, chat_type: int)  # gs4 :7903
signal lobby_data_update(success: int, lobby_id: int, member_id: int)  # gs4 :7920
signal lobby_invite(inviter: int, lobby: int, game: int)  # gs4 :7965
signal lobby_kicked(lobby_id: int, admin_id: int, due_to_disconnect: int)  # gs4 :7930
signal join_requested(lobby_id: int, steam_id: int)  # gs4 :7350
signal persona_state_change(steam_id: int, flags: int)  # gs4 :7393
signal p2p_session_request(remote_steam_id: int)  # gs4 :8104
signal p2p_session_connect_fail(remote_steam_id: int, session_error: int)  # gs4 :8097
signal steam_server_connected()  # gs4 :8359
signal steam_server_disconnected()  # gs4 :8365
# Declared so by gs4 :10164 (its callback, :9000, emits a misspelt "steam_server_connected_failed"); the shim emits
# the declared name when a web export cannot reach the service.
signal steam_server_connect_failed(result: int, retrying: bool)

# ---------------------------------------------------------------------------------------------------------------
# The loopback protocol (src/effects/loopback/protocol.ts) and Steam's limits (steam-facts.md).

const DEFAULT_URL = "ws://127.0.0.1:27015"
const PROTOCOL_VERSION = 1
const CONNECT_TIMEOUT_MS = 5000
const CLOSE_TIMEOUT_MS = 500
const FRAME_PACKET = 1
const FRAME_CHAT = 2
const PACKET_HEADER_BYTES = 22
const CHAT_HEADER_BYTES = 17
const MAX_UNRELIABLE_BYTES = 1200
const MAX_RELIABLE_BYTES = 1048576
const MAX_CHAT_BYTES = 4096
const MAX_KEY_LENGTH = 255
const MAX_VALUE_LENGTH = 8192
const MAX_CHANNEL = 2147483647
const MAX_ID_TEXT = "9223372036854775807"  # the largest Steam ID Godot's 64-bit int holds
# The socket's buffers must hold a full reliable packet and its header; 4 MiB leaves room for a burst.
const SOCKET_BUFFER_BYTES = 4194304
const SOCKET_BUFFER_PACKETS = 4096
# Packets held for a session not yet accepted, per sender, as the TypeScript client's SessionGate.
const MAX_HELD_PER_SENDER = 1024
# Everything peers can make this client queue (held and unread packets), in bytes, each packet costing its size
# plus PACKET_OVERHEAD_BYTES so that empty ones count too; past it new packets are dropped.
const MAX_QUEUED_BYTES = 16777216
const PACKET_OVERHEAD_BYTES = 64

# The connection: closed, socket opening, hello sent and the welcome awaited, open.
enum Link { CLOSED, OPENING, GREETED, OPEN }

var _socket: WebSocketPeer = null
var _link := Link.CLOSED
var _url := ""
var _wanted := ""
var _deadline := 0
var _init_result := {}
var _user_id := 0
var _name := ""
var _app_id := 0
var _lost := ""  # why the connection closed, once it has
var _lost_reported := false
var _joined := {}  # lobby id -> lobby (this user is a member: full view)
var _seen := {}  # lobby id -> lobby (listed or invited to: data, limit and count only)
var _names := {}  # user id -> persona name
var _filters := {}
var _accepted := {}  # remote id -> true
var _failed := {}  # remote id -> P2P_SESSION_ERROR_* the service reported for that session
var _held := {}  # remote id -> Array of [channel, bytes]
var _inbox := {}  # channel -> {"items": Array of [sender, bytes], "head": int}
var _queued_bytes := 0
var _dropped := 0
var _warned_full := false
var _deferred := []  # [signal name, args] to emit at the next run_callbacks


# ---------------------------------------------------------------------------------------------------------------
# Main: init, shutdown, callbacks

# docs/classes/main.md steamInitEx (4.14+; gs4 :483 before). Returns {"status", "verbal"}: STEAM_API_INIT_RESULT_OK
# (0), or STEAM_API_INIT_RESULT_NO_STEAM_CLIENT with what to do. The desktop engine connects here, waiting at most
# CONNECT_TIMEOUT_MS. A web export cannot wait (the browser opens sockets only between frames): it starts connecting
# and answers OK, as Steam's init succeeds before its servers are reached; steam_server_connected fires once the
# service has welcomed this client (or steam_server_connect_failed, if it cannot).
func steamInitEx(app_id: int = 0, embed_callbacks: bool = false) -> Dictionary:
	var problem := _open(app_id, embed_callbacks)
	if _link == Link.OPEN:
		_init_result = {"status": STEAM_API_INIT_RESULT_OK, "verbal": "Steamworks active."}
	elif problem == "":
		_init_result = {"status": STEAM_API_INIT_RESULT_OK, "verbal": "Connecting to %s; steam_server_connected fires once connected." % _url}
	else:
		_init_result = {"status": STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "verbal": problem}
	return _init_result


# docs/classes/main.md steamInit (4.14+: a bool; before, gs4 :429 returned steamInitEx's dictionary with RESULT_OK).
func steamInit(app_id: int = 0, embed_callbacks: bool = false) -> bool:
	return _open(app_id, embed_callbacks) == ""


# docs/tutorials/initializing.md: what the last steamInitEx returned; {} before one.
func get_steam_init_result() -> Dictionary:
	return _init_result


# gs4 :522. Leaves the service cleanly: others see this user leave its lobbies, not disconnect.
func steamShutdown() -> void:
	var socket := _socket
	_socket = null
	_link = Link.CLOSED
	if socket != null and socket.get_ready_state() != WebSocketPeer.STATE_CLOSED:
		socket.close(1000, "player quit")
		# The browser finishes closing on its own; the desktop engine waits here so the close leaves before exit.
		var deadline := Time.get_ticks_msec() + CLOSE_TIMEOUT_MS
		while not OS.has_feature("web") and socket.get_ready_state() != WebSocketPeer.STATE_CLOSED and Time.get_ticks_msec() < deadline:
			socket.poll()
			OS.delay_msec(1)
	if is_inside_tree() and get_tree().process_frame.is_connected(run_callbacks):
		get_tree().process_frame.disconnect(run_callbacks)
	_forget_everything()


func isSteamRunning() -> bool:  # gs4 :419
	return _is_open()


func loggedOn() -> bool:  # gs4 :6404; on the web, false until the service has welcomed this client
	return _is_open()


# gs4 :746. Everyone on the loopback service owns the game.
func isSubscribed() -> bool:
	return _is_open()


# GodotSteam runs Steam's callbacks here (gs4 godotsteam.h run_callbacks); so does the shim: everything the service
# sent since the last call is applied in arrival order, and the signals fire from inside this call.
func run_callbacks() -> void:
	if _link == Link.OPENING or _link == Link.GREETED:
		_advance_link()
	var deferred := _deferred
	_deferred = []
	for item in deferred:
		callv("emit_signal", [item[0]] + item[1])
	if _link != Link.OPEN or _socket == null:
		return
	var socket := _socket
	socket.poll()
	while _socket == socket and socket.get_available_packet_count() > 0:
		var bytes := socket.get_packet()
		if socket.was_string_packet():
			_apply_text(bytes.get_string_from_utf8())
		else:
			_apply_binary(bytes)
	if _socket != socket:
		return  # a signal handler shut Steam down (or started over)
	if _lost == "" and socket.get_ready_state() == WebSocketPeer.STATE_CLOSED:
		var reason := socket.get_close_reason()
		_lost = "the loopback service closed the connection (code %d%s)" % [socket.get_close_code(), "" if reason == "" else ", " + reason]
	if _lost != "" and not _lost_reported:
		_report_lost()


func _exit_tree() -> void:
	steamShutdown()


# ---------------------------------------------------------------------------------------------------------------
# User and friends

func getSteamID() -> int:  # gs4 :6321; 0 before the service has welcomed this client
	return _user_id


func getPersonaName() -> String:  # gs4 :1222
	return _name


# gs4 :1107: "" for a user whose name is not known (GodotSteam returns "" while Steam still loads it).
func getFriendPersonaName(steam_id: int) -> String:
	if steam_id <= 0:
		return ""
	if steam_id == _user_id:
		return _name
	return _names.get(steam_id, "")


# ---------------------------------------------------------------------------------------------------------------
# Matchmaking: lobbies

func createLobby(lobby_type: int, max_members: int = 2) -> void:  # gs4 :3049, bound with DEFVAL(2) (:9491)
	if _usable("createLobby"):
		_send_op({"op": "createLobby", "lobbyType": lobby_type, "maxMembers": max_members})


func joinLobby(steam_lobby_id: int) -> void:  # gs4 :3184
	if not _usable("joinLobby"):
		return
	if steam_lobby_id <= 0:
		# Steam answers a join of a lobby that cannot exist with "doesn't exist"; so does the shim, a frame later.
		_deferred.append(["lobby_joined", [steam_lobby_id, 0, false, CHAT_ROOM_ENTER_RESPONSE_DOESNT_EXIST]])
		return
	_send_op({"op": "joinLobby", "lobbyId": str(steam_lobby_id)})


# gs4 :3191. Takes effect at once on this side; the others learn it from lobby_chat_update.
func leaveLobby(steam_lobby_id: int) -> void:
	if _usable("leaveLobby") and _joined.has(steam_lobby_id):
		_send_op({"op": "leaveLobby", "lobbyId": str(steam_lobby_id)})
		_joined.erase(steam_lobby_id)


# gs4 :3211. The filters added since the last request go with it and are cleared, as Steam does.
func requestLobbyList() -> void:
	var filters := _filters
	_filters = {}
	if _usable("requestLobbyList"):
		_send_op({"op": "requestLobbyList", "filters": filters})


# gs4 :3043. The service matches strings by equality only; other comparisons are refused here.
func addRequestLobbyListStringFilter(key_to_match: String, value_to_match: String, comparison_type: int) -> void:
	if comparison_type != LOBBY_COMPARISON_EQUAL:
		push_error("[lobbykit Steam] addRequestLobbyListStringFilter: the loopback service matches strings by LOBBY_COMPARISON_EQUAL only; filter on '%s' ignored" % key_to_match)
		return
	_filter_list("strings").append({"key": key_to_match, "value": value_to_match})


func addRequestLobbyListNumericalFilter(key_to_match: String, value_to_match: int, comparison_type: int) -> void:  # gs4 :3031
	var ops := {-2: "<=", -1: "<", 0: "==", 1: ">", 2: ">=", 3: "!="}
	if not ops.has(comparison_type):
		push_error("[lobbykit Steam] addRequestLobbyListNumericalFilter: comparison must be a LOBBY_COMPARISON_* constant, got %d" % comparison_type)
		return
	_filter_list("numbers").append({"key": key_to_match, "value": value_to_match, "comparison": ops[comparison_type]})


func addRequestLobbyListNearValueFilter(key_to_match: String, value_to_be_close_to: int) -> void:  # gs4 :3025
	_filter_list("near").append({"key": key_to_match, "value": value_to_be_close_to})


func addRequestLobbyListFilterSlotsAvailable(slots_available: int) -> void:  # gs4 :3019
	_filters["slotsAvailable"] = maxi(slots_available, 0)


func addRequestLobbyListResultCountFilter(max_results: int) -> void:  # gs4 :3037
	_filters["resultCount"] = maxi(max_results, 0)


# gs4 :3013. Every lobby is on this machine, so each distance finds all of them; the value still travels.
func addRequestLobbyListDistanceFilter(distance_filter: int) -> void:
	_filters["distance"] = clampi(distance_filter, LOBBY_DISTANCE_FILTER_CLOSE, LOBBY_DISTANCE_FILTER_WORLDWIDE)


# gs4 :3168. For a lobby seen only in a list, the member count it had then, as Steam.
func getNumLobbyMembers(steam_lobby_id: int) -> int:
	if _joined.has(steam_lobby_id):
		return _joined[steam_lobby_id]["members"].size()
	if _seen.has(steam_lobby_id):
		return _seen[steam_lobby_id]["member_count"]
	return 0


func getLobbyMemberByIndex(steam_lobby_id: int, member: int) -> int:  # gs4 :3137; 0 when out of range
	var members: Array = _joined.get(steam_lobby_id, {}).get("members", [])
	return members[member] if member >= 0 and member < members.size() else 0


func getLobbyOwner(steam_lobby_id: int) -> int:  # gs4 :3160; 0 unless a member, as Steam
	return _joined.get(steam_lobby_id, {}).get("owner", 0)


func getLobbyMemberLimit(steam_lobby_id: int) -> int:  # gs4 :3153
	return _lobby_view(steam_lobby_id).get("limit", 0)


func getLobbyData(steam_lobby_id: int, key: String) -> String:  # gs4 :3111
	return _lobby_view(steam_lobby_id).get("data", {}).get(key, "")


func getLobbyMemberData(steam_lobby_id: int, steam_id_user: int, key: String) -> String:  # gs4 :3145
	return _joined.get(steam_lobby_id, {}).get("member_data", {}).get(steam_id_user, {}).get(key, "")


# gs4 :3225. Only the owner may write; the write shows at once here, and the service confirms it to everyone.
func setLobbyData(steam_lobby_id: int, key: String, value: String) -> bool:
	if not _owned(steam_lobby_id, "setLobbyData") or not _key_ok(key, "setLobbyData"):
		return false
	if value.length() > MAX_VALUE_LENGTH:
		push_error("[lobbykit Steam] setLobbyData: values are limited to %d characters" % MAX_VALUE_LENGTH)
		return false
	_joined[steam_lobby_id]["data"][key] = value
	return _send_op({"op": "setLobbyData", "lobbyId": str(steam_lobby_id), "key": key, "value": value})


func deleteLobbyData(steam_lobby_id: int, key: String) -> bool:  # gs4 :3056
	if not _owned(steam_lobby_id, "deleteLobbyData") or not _key_ok(key, "deleteLobbyData"):
		return false
	_joined[steam_lobby_id]["data"].erase(key)
	return _send_op({"op": "deleteLobbyData", "lobbyId": str(steam_lobby_id), "key": key})


func setLobbyMemberData(steam_lobby_id: int, key: String, value: String) -> void:  # gs4 :3252
	if not _member(steam_lobby_id, "setLobbyMemberData") or not _key_ok(key, "setLobbyMemberData"):
		return
	if value.length() > MAX_VALUE_LENGTH:
		push_error("[lobbykit Steam] setLobbyMemberData: values are limited to %d characters" % MAX_VALUE_LENGTH)
		return
	var member_data: Dictionary = _joined[steam_lobby_id]["member_data"]
	if not member_data.has(_user_id):
		member_data[_user_id] = {}
	member_data[_user_id][key] = value
	_send_op({"op": "setLobbyMemberData", "lobbyId": str(steam_lobby_id), "key": key, "value": value})


func setLobbyJoinable(steam_lobby_id: int, joinable: bool) -> bool:  # gs4 :3245
	if not _owned(steam_lobby_id, "setLobbyJoinable"):
		return false
	return _send_op({"op": "setLobbyJoinable", "lobbyId": str(steam_lobby_id), "joinable": joinable})


func inviteUserToLobby(steam_lobby_id: int, steam_id_invitee: int) -> bool:  # gs4 :3176
	if not _member(steam_lobby_id, "inviteUserToLobby"):
		return false
	if steam_id_invitee <= 0:
		push_error("[lobbykit Steam] inviteUserToLobby: the invitee must be a Steam ID, got %d" % steam_id_invitee)
		return false
	return _send_op({"op": "invite", "lobbyId": str(steam_lobby_id), "userId": str(steam_id_invitee)})


# gs4 :3218 sends the UTF-8 text and its terminating NUL (strlen + 1); so does the shim, so a lobbykit runtime reads
# the very bytes a GodotSteam game sends.
func sendLobbyChatMsg(steam_lobby_id: int, message_body: String) -> bool:
	if not _member(steam_lobby_id, "sendLobbyChatMsg"):
		return false
	var message := message_body.to_utf8_buffer()
	message.append(0)
	if message.size() > MAX_CHAT_BYTES:
		push_error("[lobbykit Steam] sendLobbyChatMsg: lobby chat messages are limited to %d bytes, got %d" % [MAX_CHAT_BYTES, message.size()])
		return false
	var frame := StreamPeerBuffer.new()
	frame.put_u8(FRAME_CHAT)
	frame.put_u64(_user_id)
	frame.put_u64(steam_lobby_id)
	frame.put_data(message)
	return _send_binary(frame.data_array)


# ---------------------------------------------------------------------------------------------------------------
# Networking (Steam's old P2P API)

# gs4 :3790, channel bound with DEFVAL(0) (:9586). Sending to a user accepts their session, as on Steam.
func sendP2PPacket(remote_steam_id: int, data: PackedByteArray, send_type: int, channel: int = 0) -> bool:
	if not _usable("sendP2PPacket"):
		return false
	var problem := ""
	if remote_steam_id <= 0 or remote_steam_id == _user_id:
		problem = "the remote must be another user's Steam ID, got %d" % remote_steam_id
	elif send_type < P2P_SEND_UNRELIABLE or send_type > P2P_SEND_RELIABLE_WITH_BUFFERING:
		problem = "send type must be a P2P_SEND_* constant (0..3), got %d" % send_type
	elif channel < 0 or channel > MAX_CHANNEL:
		problem = "channel must be in 0..2^31-1, got %d" % channel
	else:
		var limit: int = MAX_RELIABLE_BYTES if send_type >= P2P_SEND_RELIABLE else MAX_UNRELIABLE_BYTES
		if data.size() > limit:
			problem = "this send type carries at most %d bytes, got %d" % [limit, data.size()]
	if problem != "":
		push_error("[lobbykit Steam] sendP2PPacket: " + problem)
		return false
	var frame := StreamPeerBuffer.new()
	frame.put_u8(FRAME_PACKET)
	frame.put_u8(send_type)
	frame.put_u32(channel)
	frame.put_u64(_user_id)
	frame.put_u64(remote_steam_id)
	frame.put_data(data)
	if not _send_binary(frame.data_array):
		return false
	acceptP2PSessionWithUser(remote_steam_id)
	return true


# gs4 :3762: the size of the next packet on `channel`, 0 when there is none.
func getAvailableP2PPacketSize(channel: int = 0) -> int:
	var queue = _inbox.get(channel)
	if queue == null or queue["head"] >= queue["items"].size():
		return 0
	return queue["items"][queue["head"]][1].size()


# gs4 :3769: {"data": PackedByteArray, "remote_steam_id": sender}, or {} when no packet waits. A packet longer than
# `packet` is cut to it, as Steam's ReadP2PPacket does.
func readP2PPacket(packet: int, channel: int = 0) -> Dictionary:
	var queue = _inbox.get(channel)
	if queue == null or queue["head"] >= queue["items"].size():
		return {}
	var item: Array = queue["items"][queue["head"]]
	queue["items"][queue["head"]] = null
	queue["head"] += 1
	_compact(channel, queue)
	var data: PackedByteArray = item[1]
	_queued_bytes -= _cost(data)
	if _queued_bytes < MAX_QUEUED_BYTES / 2:
		_warned_full = false
	if data.size() > packet:
		data = data.slice(0, maxi(packet, 0))
	return {"data": data, "remote_steam_id": item[0]}


# gs4 :3714. Releases the packets held while the request waited, in the order they came.
func acceptP2PSessionWithUser(remote_steam_id: int) -> bool:
	if remote_steam_id <= 0:
		return false
	_accepted[remote_steam_id] = true
	var held: Array = _held.get(remote_steam_id, [])
	_held.erase(remote_steam_id)
	for item in held:
		_inbox_push(item[0], remote_steam_id, item[1])
	return true


# gs4 :3736. Drops what is queued from that user; false when no session was open (Valve's CloseP2PSessionWithUser).
func closeP2PSessionWithUser(remote_steam_id: int) -> bool:
	var had := _accepted.has(remote_steam_id) or _held.has(remote_steam_id)
	_accepted.erase(remote_steam_id)
	_failed.erase(remote_steam_id)
	for item in _held.get(remote_steam_id, []):
		_queued_bytes -= _cost(item[1])
		_dropped += 1
	_held.erase(remote_steam_id)
	for channel in _inbox.keys():
		_drop_sender(channel, remote_steam_id)
	if had and _is_open():
		_send_op({"op": "closeSession", "remote": str(remote_steam_id)})
	return had


# gs4 :3743. {} when there is no session; every session is relayed by the service. After p2p_session_connect_fail
# the session is inactive with that error until a packet comes from the user again.
func getP2PSessionState(remote_steam_id: int) -> Dictionary:
	if not _accepted.has(remote_steam_id):
		return {}
	var error: int = _failed.get(remote_steam_id, P2P_SESSION_ERROR_NONE)
	return {
		"connection_active": _is_open() and error == P2P_SESSION_ERROR_NONE, "connecting": false, "session_error": error,
		"using_relay": true, "bytes_queued_for_send": 0, "packets_queued_for_send": 0, "remote_ip": 0, "remote_port": 0,
	}


# gs4 :3722. Everything goes through the service already, so there is nothing to turn on or off.
func allowP2PPacketRelay(_allow: bool) -> bool:
	return _is_open()


# Packets this side dropped: held past MAX_HELD_PER_SENDER, past MAX_QUEUED_BYTES, "no delay" sends without a
# session, and what was queued from a user when their session was closed. Not part of GodotSteam.
func getDroppedP2PPackets() -> int:
	return _dropped


# ---------------------------------------------------------------------------------------------------------------
# Connection

# Starts the connection; "" once it is open (desktop) or opening (web), else why not.
func _open(app_id: int, embed_callbacks: bool) -> String:
	if _link != Link.CLOSED:
		return ""
	_forget_everything()
	_app_id = app_id
	_url = _setting("LOBBYKIT_URL", "lobbykit_url")
	if _url == "":
		_url = DEFAULT_URL
	_wanted = _setting("LOBBYKIT_NAME", "lobbykit_name")
	if _wanted == "":
		_wanted = "player %d" % (OS.get_process_id() if not OS.has_feature("web") else randi() % 1000000)
	var socket := WebSocketPeer.new()
	socket.inbound_buffer_size = SOCKET_BUFFER_BYTES
	socket.outbound_buffer_size = SOCKET_BUFFER_BYTES
	socket.max_queued_packets = SOCKET_BUFFER_PACKETS
	if socket.connect_to_url(_url) != OK:
		return "cannot open a WebSocket to %s%s" % [_url, _hint()]
	_socket = socket
	_link = Link.OPENING
	_lost = ""
	_lost_reported = false
	_deadline = Time.get_ticks_msec() + CONNECT_TIMEOUT_MS
	if embed_callbacks and not get_tree().process_frame.is_connected(run_callbacks):
		get_tree().process_frame.connect(run_callbacks)
	if OS.has_feature("web"):
		return ""  # the browser opens the socket between frames; run_callbacks finishes the greeting
	while _link == Link.OPENING or _link == Link.GREETED:
		_advance_link()
		if _link != Link.OPEN and _link != Link.CLOSED:
			OS.delay_msec(1)
	return "" if _link == Link.OPEN else _lost


# One step of opening: say hello once the socket is open, then wait for the welcome (or a refusal, or the deadline).
func _advance_link() -> void:
	var socket := _socket
	socket.poll()
	var state := socket.get_ready_state()
	if state == WebSocketPeer.STATE_CLOSED:
		_fail_link("no lobbykit loopback service is listening at %s%s" % [_url, _hint()])
		return
	if state == WebSocketPeer.STATE_OPEN and _link == Link.OPENING:
		socket.send_text(JSON.stringify({"op": "hello", "name": _wanted, "protocol": PROTOCOL_VERSION}))
		_link = Link.GREETED
	while _link == Link.GREETED and socket.get_available_packet_count() > 0:
		var bytes := socket.get_packet()
		var message = _json_object(bytes.get_string_from_utf8()) if socket.was_string_packet() else null
		if message == null:
			socket.close(1002, "not the loopback protocol")
			_fail_link("the server at %s does not speak the lobbykit loopback protocol" % _url)
		elif message.get("t") == "error":
			socket.close(1000, "refused")
			_fail_link("the loopback service refused this client: %s" % str(message.get("detail")))
		elif message.get("t") == "welcome" and _id(message.get("userId")) > 0:
			_user_id = _id(message["userId"])
			_name = str(message.get("name", _wanted))
			_link = Link.OPEN
			# Steam's SteamServersConnected_t: a game can wait for it, here and on the web alike.
			_deferred.append(["steam_server_connected", []])
			return  # what follows the welcome is the game's, for run_callbacks
	if _link != Link.OPEN and _link != Link.CLOSED and Time.get_ticks_msec() > _deadline:
		socket.close(1000, "gave up")
		_fail_link("the loopback service at %s did not answer within %d ms%s" % [_url, CONNECT_TIMEOUT_MS, _hint()])


# On the desktop, steamInit returns the reason; a web export learns it from steam_server_connect_failed.
func _fail_link(problem: String) -> void:
	_socket = null
	_link = Link.CLOSED
	_lost = problem
	if OS.has_feature("web"):
		push_warning("[lobbykit Steam] " + problem)
		_init_result = {"status": STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "verbal": problem}
		emit_signal("steam_server_connect_failed", RESULT_NO_CONNECTION, false)


func _hint() -> String:
	if OS.has_feature("web"):
		return "; start the service with `npx lobbykit serve` (or add ?lobbykit_url=ws://… to this page's address)"
	return "; start the service with `npx lobbykit serve` (or set LOBBYKIT_URL)"


func _is_open() -> bool:
	return _link == Link.OPEN and _socket != null and _lost == "" and _socket.get_ready_state() == WebSocketPeer.STATE_OPEN


# As Steam tells a client that lost its servers: disconnected, then kicked from each lobby due to disconnect
# (the TypeScript client does the same, loopback-backend.ts applyLost).
func _report_lost() -> void:
	_lost_reported = true
	push_warning("[lobbykit Steam] " + _lost)
	var lobbies := _joined.keys()
	_joined.clear()
	_socket = null
	_link = Link.CLOSED
	emit_signal("steam_server_disconnected")
	for lobby_id in lobbies:
		emit_signal("lobby_kicked", lobby_id, 0, 1)


func _forget_everything() -> void:
	_joined.clear()
	_seen.clear()
	_names.clear()
	_filters = {}
	_accepted.clear()
	_failed.clear()
	_held.clear()
	_inbox.clear()
	_deferred = []
	_queued_bytes = 0
	_user_id = 0
	_name = ""


func _send_op(op: Dictionary) -> bool:
	return _is_open() and _socket.send_text(JSON.stringify(op)) == OK


func _send_binary(frame: PackedByteArray) -> bool:
	return _is_open() and _socket.send(frame, WebSocketPeer.WRITE_MODE_BINARY) == OK


# The desktop engine's environment variable, or a web page's query parameter of that meaning.
func _setting(variable: String, query_key: String) -> String:
	if not OS.has_feature("web"):
		return OS.get_environment(variable)
	var value = JavaScriptBridge.eval("new URLSearchParams(globalThis.location ? location.search : '').get('%s') || ''" % query_key, true)
	return value if typeof(value) == TYPE_STRING else ""


# ---------------------------------------------------------------------------------------------------------------
# From the service

func _apply_text(text: String) -> void:
	var message = _json_object(text)
	if message == null:
		_fault("a control frame that is not a JSON object")
		return
	match message.get("t"):
		"update":
			_apply_update(message)
		"error":
			_apply_error(message)


func _apply_update(message: Dictionary) -> void:
	for view in _list(message.get("lobbies")):
		var lobby := _parse_lobby(view, true)
		if lobby.is_empty():
			_fault("a malformed lobby view")
		else:
			_joined[lobby["id"]] = lobby
			_seen.erase(lobby["id"])
	for view in _list(message.get("listed")):
		var lobby := _parse_lobby(view, false)
		if lobby.is_empty():
			_fault("a malformed listed lobby")
		elif not _joined.has(lobby["id"]):  # a member's view is fresher and has the members
			_seen[lobby["id"]] = lobby
	for wire_id in _list(message.get("forget")):
		_joined.erase(_id(wire_id))
	var names = message.get("names")
	if typeof(names) == TYPE_DICTIONARY:
		for wire_id in names:
			if _id(wire_id) > 0 and typeof(names[wire_id]) == TYPE_STRING:
				_names[_id(wire_id)] = names[wire_id]
	for event in _list(message.get("events")):
		if typeof(event) != TYPE_DICTIONARY or not _apply_event(event):
			_fault("an event this client cannot read: %s" % JSON.stringify(event).left(200))


# One wire event (protocol.ts EVENT_TYPES) to its GodotSteam signal; false when it is malformed.
func _apply_event(e: Dictionary) -> bool:
	match e.get("type"):
		"lobbyCreated":
			var lobby_id := _id(e.get("lobbyId"), true)
			return lobby_id >= 0 and _emit("lobby_created", [_int(e.get("result"), RESULT_FAIL), lobby_id])
		"lobbyEntered":  # Steam's m_rgfChatPermissions is unused and always 0
			return _emit_ids("lobby_joined", [e.get("lobbyId")], [0, e.get("locked") == true, _int(e.get("response"), CHAT_ROOM_ENTER_RESPONSE_ERROR)])
		"lobbyList":
			var lobbies := []
			for wire_id in _list(e.get("lobbyIds")):
				if _id(wire_id) <= 0:
					return false
				lobbies.append(_id(wire_id))
			return _emit("lobby_match_list", [lobbies])
		"lobbyDataUpdate":
			var lobby_id := _id(e.get("lobbyId"))
			var member_id := _id(e.get("memberId"))
			return lobby_id > 0 and member_id > 0 and _emit("lobby_data_update", [1 if e.get("success") == true else 0, lobby_id, member_id])
		"lobbyChatUpdate":
			return _emit_ids("lobby_chat_update", [e.get("lobbyId"), e.get("changed"), e.get("changedBy")], [_int(e.get("state"), 0)])
		"lobbyInvite":  # GodotSteam's order is inviter, lobby, game
			return _emit_ids("lobby_invite", [e.get("from"), e.get("lobbyId")], [_app_id])
		"lobbyKicked":
			_joined.erase(_id(e.get("lobbyId")))
			var admin := _id(e.get("by"), true)
			return admin >= 0 and _emit_ids("lobby_kicked", [e.get("lobbyId")], [admin, 1 if e.get("dueToDisconnect") == true else 0])
		"joinRequested":
			return _emit_ids("join_requested", [e.get("lobbyId"), e.get("friendId")], [])
		"personaChange":
			return _emit_ids("persona_state_change", [e.get("userId")], [_int(e.get("flags"), PERSONA_CHANGE_NAME)])
		"p2pConnectFail":
			var remote := _id(e.get("remote"))
			if remote <= 0:
				return false
			_failed[remote] = _int(e.get("error"), P2P_SESSION_ERROR_TIMEOUT)
			return _emit("p2p_session_connect_fail", [remote, _failed[remote]])
		"serversDisconnected":
			return _emit("steam_server_disconnected", [])
		"serversConnected":
			return _emit("steam_server_connected", [])
	return false


func _apply_error(message: Dictionary) -> void:
	var op := str(message.get("op", ""))
	push_warning("[lobbykit Steam] the loopback service refused %s: %s" % [op if op != "" else "a request", str(message.get("detail", ""))])
	# A data write the service refused (ownership moved meanwhile) reports failure the way Steam does.
	var lobby_id := _id(message.get("lobbyId"))
	if lobby_id > 0 and op in ["setLobbyData", "deleteLobbyData", "setLobbyMemberData"]:
		emit_signal("lobby_data_update", 0, lobby_id, _user_id if op == "setLobbyMemberData" else lobby_id)


func _apply_binary(bytes: PackedByteArray) -> void:
	if bytes.size() == 0:
		_fault("an empty binary frame")
		return
	var header := StreamPeerBuffer.new()
	header.data_array = bytes
	var kind: int = bytes[0]
	if kind == FRAME_CHAT and bytes.size() >= CHAT_HEADER_BYTES:
		header.seek(1)
		var from: int = header.get_u64()
		var lobby_id: int = header.get_u64()
		# Steam hands GodotSteam the text with its NUL, and String::utf8 stops there (gs4 :7903); so here.
		var text := bytes.slice(CHAT_HEADER_BYTES).get_string_from_utf8()
		emit_signal("lobby_message", lobby_id, from, text, CHAT_ENTRY_TYPE_CHAT_MSG)
	elif kind == FRAME_PACKET and bytes.size() >= PACKET_HEADER_BYTES:
		header.seek(1)
		var send_type: int = header.get_u8()
		var channel: int = header.get_u32()
		var from: int = header.get_u64()
		_receive_packet(from, channel, send_type, bytes.slice(PACKET_HEADER_BYTES))
	else:
		_fault("a binary frame of kind %d and %d bytes" % [kind, bytes.size()])


# Steam's session rule on the receiving side (as session-gate.ts): packets from a user not accepted (nor sent to)
# are held and raise one p2p_session_request; accepting releases them in order.
func _receive_packet(from: int, channel: int, send_type: int, data: PackedByteArray) -> void:
	# GodotSteam reports a waiting empty packet as size 0, the same as no packet (gs4 :3762), so a reader that loops
	# while the size is > 0 would never get past one; an empty packet is dropped here instead.
	if data.size() == 0:
		_dropped += 1
		return
	if _queued_bytes + _cost(data) > MAX_QUEUED_BYTES:
		_dropped += 1
		if not _warned_full:
			_warned_full = true
			push_warning("[lobbykit Steam] %d bytes of P2P packets are waiting to be read; new ones are dropped until the game reads them" % _queued_bytes)
		return
	if _accepted.has(from):
		_failed.erase(from)
		_queued_bytes += _cost(data)
		_inbox_push(channel, from, data)
		return
	if send_type == P2P_SEND_UNRELIABLE_NO_DELAY:  # dropped without a session, as Steam does
		_dropped += 1
		return
	var is_new := not _held.has(from)
	if is_new:
		_held[from] = []
	var held: Array = _held[from]
	if held.size() >= MAX_HELD_PER_SENDER:
		_queued_bytes -= _cost(held.pop_front()[1])
		_dropped += 1
	held.append([channel, data])
	_queued_bytes += _cost(data)
	if is_new:
		emit_signal("p2p_session_request", from)


# ---------------------------------------------------------------------------------------------------------------
# Helpers

func _inbox_push(channel: int, from: int, data: PackedByteArray) -> void:
	if not _inbox.has(channel):
		_inbox[channel] = {"items": [], "head": 0}
	_inbox[channel]["items"].append([from, data])


# Reading moves a head index (pop_front would copy the queue per packet); the read part is cut off now and then.
func _compact(channel: int, queue: Dictionary) -> void:
	var items: Array = queue["items"]
	if queue["head"] >= items.size():
		_inbox.erase(channel)
	elif queue["head"] >= 64 and queue["head"] * 2 >= items.size():
		queue["items"] = items.slice(queue["head"])
		queue["head"] = 0


func _drop_sender(channel: int, sender: int) -> void:
	var queue: Dictionary = _inbox[channel]
	var kept := []
	var items: Array = queue["items"]
	for i in range(queue["head"], items.size()):
		if items[i][0] == sender:
			_queued_bytes -= _cost(items[i][1])
			_dropped += 1
		else:
			kept.append(items[i])
	queue["items"] = kept
	queue["head"] = 0
	if kept.is_empty():
		_inbox.erase(channel)


func _cost(data: PackedByteArray) -> int:
	return data.size() + PACKET_OVERHEAD_BYTES


# A Steam ID from the wire (a decimal string: JSON numbers are doubles and would lose its low bits). -1 when it is
# not one; "0" is accepted only where the protocol uses it (a failed lobby creation, a kick by nobody).
func _id(value, zero_ok: bool = false) -> int:
	if typeof(value) != TYPE_STRING or not value.is_valid_int() or value.begins_with("-") or value.begins_with("+"):
		return -1
	var digits: String = value.lstrip("0")
	if digits.length() > MAX_ID_TEXT.length() or (digits.length() == MAX_ID_TEXT.length() and digits > MAX_ID_TEXT):
		return -1
	var id: int = value.to_int()
	if id == 0:
		return 0 if zero_ok else -1
	return id


# A number from JSON (a float in Godot 4) as an int, or `otherwise` for anything else.
func _int(value, otherwise: int) -> int:
	return int(value) if typeof(value) == TYPE_INT or typeof(value) == TYPE_FLOAT else otherwise


func _json_object(text: String):
	var json := JSON.new()
	if json.parse(text) != OK or typeof(json.data) != TYPE_DICTIONARY:
		return null
	return json.data


func _emit(name: String, args: Array) -> bool:
	callv("emit_signal", [name] + args)
	return true


# Emits `name` with the ids decoded, then `rest`; false (nothing emitted) when an id is malformed.
func _emit_ids(name: String, wire_ids: Array, rest: Array) -> bool:
	var args := []
	for wire_id in wire_ids:
		var id := _id(wire_id)
		if id <= 0:
			return false
		args.append(id)
	return _emit(name, args + rest)


func _parse_lobby(view, with_members: bool) -> Dictionary:
	if typeof(view) != TYPE_DICTIONARY:
		return {}
	var id := _id(view.get("id"))
	var limit := _int(view.get("limit"), -1)
	var type := _int(view.get("type"), -1)
	if id <= 0 or limit < 0 or type < 0:
		return {}
	var members := []
	var member_data := {}
	if with_members:
		if typeof(view.get("members")) != TYPE_ARRAY:
			return {}
		for m in view["members"]:
			var member_id: int = _id(m.get("id")) if typeof(m) == TYPE_DICTIONARY else -1
			if member_id <= 0:
				return {}
			members.append(member_id)
			member_data[member_id] = _strings(m.get("data"))
			if typeof(m.get("name")) == TYPE_STRING:
				_names[member_id] = m["name"]
	return {
		"id": id, "type": type, "owner": maxi(_id(view.get("owner")), 0) if with_members else 0,
		"limit": limit, "joinable": view.get("joinable") == true,
		"member_count": _int(view.get("memberCount"), members.size()),
		"members": members, "data": _strings(view.get("data")), "member_data": member_data,
	}


func _strings(record) -> Dictionary:
	var out := {}
	if typeof(record) == TYPE_DICTIONARY:
		for key in record:
			if typeof(key) == TYPE_STRING and typeof(record[key]) == TYPE_STRING:
				out[key] = record[key]
	return out


func _list(value) -> Array:
	return value if typeof(value) == TYPE_ARRAY else []


func _filter_list(name: String) -> Array:
	if not _filters.has(name):
		_filters[name] = []
	return _filters[name]


func _lobby_view(steam_lobby_id: int) -> Dictionary:
	return _joined.get(steam_lobby_id, _seen.get(steam_lobby_id, {}))


func _usable(what: String) -> bool:
	if _is_open():
		return true
	var why := _lost
	if why == "":
		why = "still connecting: wait for steam_server_connected" if _link != Link.CLOSED else "call Steam.steamInitEx() first and check its status"
	push_error("[lobbykit Steam] %s: not connected to the loopback service (%s)" % [what, why])
	return false


func _member(steam_lobby_id: int, what: String) -> bool:
	if not _usable(what):
		return false
	if not _joined.has(steam_lobby_id):
		push_error("[lobbykit Steam] %s: you are not a member of lobby %d" % [what, steam_lobby_id])
		return false
	return true


func _owned(steam_lobby_id: int, what: String) -> bool:
	if not _member(steam_lobby_id, what):
		return false
	if _joined[steam_lobby_id]["owner"] != _user_id:
		push_error("[lobbykit Steam] %s: only the owner of lobby %d may do that" % [what, steam_lobby_id])
		return false
	return true


func _key_ok(key: String, what: String) -> bool:
	if key.length() == 0 or key.length() > MAX_KEY_LENGTH:
		push_error("[lobbykit Steam] %s: lobby data keys are 1..%d characters" % [what, MAX_KEY_LENGTH])
		return false
	return true


func _fault(what: String) -> void:
	push_warning("[lobbykit Steam] the loopback service sent %s; ignored" % what)
