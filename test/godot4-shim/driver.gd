# The player at the keyboard, for test/godot4-shim.test.ts: presses the tutorial's buttons (calls its functions) and
# prints what happens as `LK <json>` lines, Steam IDs as decimal strings. The tutorial script (lobby.gd, its parent)
# does all the lobby and P2P work; this node never talks to Steam except to read session states and to tag the hosted
# lobby with the test's token. It plays in two stages, in one engine run:
#   "joined":  the game was started with +connect_lobby <id> (the tutorial's check_command_line joins); once it has
#              heard everyone it leaves, as a player clicking "leave" would.
#   "hosting": then it hosts a lobby tagged with the token and waits for a player; once everyone has been heard and
#              has left (their sessions failed when they quit), it leaves and the game quits.
# res://driver.json says {"token", "chat"}: the lobby data value ("lobbykit_test") the host sets, and the chat line
# this player sends (also the "text" of its Dictionary).
extends Node

const DEADLINE_S = 40.0

@onready var lobby = get_parent()
var config: Dictionary = {}
var stage := ""
var announced := false
var sent := false
var met := {}  # every other member seen in the tutorial's lobby_members this stage
var handshakes := {}
var packets := {}
var chats := {}
var fails := {}


func _ready() -> void:
	config = JSON.parse_string(FileAccess.get_file_as_string("res://driver.json"))
	# The tutorial's _ready waits for the service; start once it has, and once its continuation has run.
	Steam.steam_server_connected.connect(func() -> void: call_deferred("_start"), CONNECT_ONE_SHOT)


func _start() -> void:
	_say({"ev": "ready", "id": str(lobby.steam_id), "name": lobby.steam_username, "args": OS.get_cmdline_args()})
	if lobby.steam_id == 0:
		_fail("Steam.steamInitEx() did not connect")
		return
	get_tree().create_timer(DEADLINE_S).timeout.connect(_fail.bind("no progress within %d s" % DEADLINE_S))
	Steam.lobby_created.connect(_on_lobby_created)
	Steam.lobby_data_update.connect(_on_lobby_data_update)
	Steam.lobby_joined.connect(_on_lobby_joined)
	Steam.lobby_chat_update.connect(_on_lobby_chat_update)
	Steam.lobby_message.connect(_on_lobby_message)
	Steam.p2p_session_connect_fail.connect(_on_session_fail)
	lobby.packet_read.connect(_on_packet_read)
	stage = "joined"  # the tutorial's check_command_line has already asked to join


func _on_lobby_created(connect: int, lobby_id: int) -> void:
	_say({"ev": "created", "result": connect, "lobby": str(lobby_id)})
	Steam.setLobbyData(lobby_id, "lobbykit_test", config["token"])


# Announced once the service has the token, so a lobby list asked for after this line finds the lobby.
func _on_lobby_data_update(_success: int, lobby_id: int, member_id: int) -> void:
	if stage == "hosting" and not announced and lobby_id == member_id and Steam.getLobbyData(lobby_id, "lobbykit_test") == config["token"]:
		announced = true
		_say({"ev": "hosting", "lobby": str(lobby_id), "name": Steam.getLobbyData(lobby_id, "name"), "mode": Steam.getLobbyData(lobby_id, "mode")})


func _on_lobby_joined(lobby_id: int, _permissions: int, locked: bool, response: int) -> void:
	_say({"ev": "joined", "lobby": str(lobby_id), "response": response, "locked": locked})
	_after_change.call_deferred()


func _on_lobby_chat_update(lobby_id: int, changed_id: int, making_change_id: int, chat_state: int) -> void:
	_say({"ev": "chat_update", "lobby": str(lobby_id), "changed": str(changed_id), "by": str(making_change_id),
		"state": chat_state, "name": Steam.getFriendPersonaName(changed_id)})
	_after_change.call_deferred()


func _on_lobby_message(lobby_id: int, user: int, message: String, chat_type: int) -> void:
	_say({"ev": "chat", "lobby": str(lobby_id), "from": str(user), "text": message, "type": chat_type})
	if user != lobby.steam_id:
		chats[user] = true
	_after_change.call_deferred()


func _on_packet_read(sender: int, readable: Dictionary) -> void:
	if readable.get("message") == "handshake":
		handshakes[sender] = true
		_say({"ev": "handshake", "from": str(sender), "claimed": str(readable.get("from")), "lobbykit": readable.get("lobbykit", 0)})
	else:
		packets[sender] = true
		_say({"ev": "packet", "from": str(sender), "hex": var_to_bytes(readable).hex_encode()})
	_after_change.call_deferred()


func _on_session_fail(remote_id: int, session_error: int) -> void:
	fails[remote_id] = true
	_say({"ev": "session_fail", "remote": str(remote_id), "error": session_error,
		"state": Steam.getP2PSessionState(remote_id).get("connection_active", false)})
	_after_change.call_deferred()


# Runs after the tutorial's own handlers have updated lobby_members.
func _after_change() -> void:
	if stage == "" or stage == "done":
		return
	var members := []
	var others := []
	for member in lobby.lobby_members:
		members.append({"id": str(member["steam_id"]), "name": member["steam_name"]})
		if member["steam_id"] != lobby.steam_id:
			others.append(member["steam_id"])
			met[member["steam_id"]] = true
	_say({"ev": "members", "members": members})
	if not sent and lobby.lobby_id > 0 and others.size() >= 1 and _all_in(others, handshakes):
		sent = true
		var message := {"message": "hello", "from": lobby.steam_id, "stage": stage, "big": 9007199254740993, "list": [1, "two", 3.5], "text": config["chat"]}
		lobby.send_p2p_packet(0, message)
		_say({"ev": "sent", "hex": var_to_bytes(message).hex_encode()})
		lobby.get_node("Chat").text = config["chat"]
		lobby._on_send_chat_pressed()
	var heard_all: bool = sent and not met.is_empty() and _all_in(met.keys(), packets) and _all_in(met.keys(), chats)
	if not heard_all:
		return
	if stage == "joined":
		_leave()
		_host()
	elif others.is_empty() and _all_in(met.keys(), fails):
		# The host leaves last, once everyone else has left and quit (their sessions failed), so it sees both.
		_leave()
		stage = "done"
		get_tree().quit(0)


func _leave() -> void:
	var before := {}
	for id in met:
		before[str(id)] = Steam.getP2PSessionState(id).get("connection_active", false)
	lobby.leave_lobby()
	var after := {}
	for id in met:
		after[str(id)] = Steam.getP2PSessionState(id).get("connection_active", false)
	_say({"ev": "left", "before": before, "after": after, "lobby_id": str(lobby.lobby_id)})


func _host() -> void:
	stage = "hosting"
	sent = false
	met = {}
	handshakes = {}
	packets = {}
	chats = {}
	fails = {}
	lobby.create_lobby()


func _all_in(ids: Array, seen: Dictionary) -> bool:
	for id in ids:
		if not seen.has(id):
			return false
	return true


func _fail(why: String) -> void:
	if stage == "done":
		return
	stage = "done"
	_say({"ev": "fail", "why": why})
	get_tree().quit(1)


func _say(what: Dictionary) -> void:
	what["stage"] = stage
	print("LK " + JSON.stringify(what))
