# The player at the keyboard, for test/godot3-shim.test.ts: presses the tutorial's buttons (calls its functions)
# and prints what happens as `LK <json>` lines, Steam IDs as decimal strings. The tutorial script (lobby.gd, its
# parent) does all the lobby and P2P work; this node never talks to Steam except to read session states and to tag
# the hosted lobby with the test's token, so concurrent scenarios on one service find only their own lobby.
#   LOBBYKIT_TEST_ROLE   host: create a lobby and leave last; list: join through a filtered lobby list;
#                        cmdline: the game was started with +connect_lobby <id> and joins from there.
#   LOBBYKIT_TEST_TOKEN  the lobby data value ("lobbykit_test") the host sets and the list filter looks for.
#   LOBBYKIT_TEST_CHAT   the lobby chat line this player sends (also the "text" of its dictionary message).
#   LOBBYKIT_TEST_PLAYERS  how many players the lobby must hold before this one sends (default 2), so a message
#                        sent once reaches everyone in a lobby of three.
extends Node

const DEADLINE_S = 20.0

onready var lobby = get_parent()
var role := OS.get_environment("LOBBYKIT_TEST_ROLE")
var token := OS.get_environment("LOBBYKIT_TEST_TOKEN")
var players := int(OS.get_environment("LOBBYKIT_TEST_PLAYERS")) if OS.get_environment("LOBBYKIT_TEST_PLAYERS") != "" else 2
var chat_text := ""
var announced := false
var sent := false
var left := false
var met := {}  # every other member seen in the tutorial's LOBBY_MEMBERS
var handshakes := {}
var packets := {}
var chats := {}
var fails := {}


func _ready() -> void:
	# Runs before the tutorial's _ready (children first); start once it has initialised Steam and connected.
	lobby.connect("ready", self, "_start", [], CONNECT_ONESHOT)


func _start() -> void:
	chat_text = Steam._environment("LOBBYKIT_TEST_CHAT")  # the shim's UTF-8 repair of Godot 3.2's getenv
	_say({"ev": "ready", "id": str(lobby.STEAM_ID), "name": lobby.STEAM_USERNAME})
	if lobby.STEAM_ID == 0:
		_fail("Steam.steamInit() did not connect")
		return
	get_tree().create_timer(DEADLINE_S).connect("timeout", self, "_fail", ["no progress within %d s" % DEADLINE_S])
	Steam.connect("lobby_created", self, "_on_lobby_created")
	Steam.connect("lobby_data_update", self, "_on_lobby_data_update")
	Steam.connect("lobby_match_list", self, "_on_lobby_match_list")
	Steam.connect("lobby_joined", self, "_on_lobby_joined")
	Steam.connect("lobby_chat_update", self, "_on_lobby_chat_update")
	Steam.connect("lobby_message", self, "_on_lobby_message")
	Steam.connect("p2p_session_connect_fail", self, "_on_session_fail")
	lobby.connect("packet_read", self, "_on_packet_read")
	match role:
		"host":
			lobby._create_Lobby()
		"list":
			Steam.addRequestLobbyListStringFilter("lobbykit_test", token, Steam.LOBBY_COMPARISON_EQUAL)
			lobby._on_Open_Lobby_List_pressed()
		"cmdline":
			pass  # the tutorial's _check_Command_Line has already asked to join
		_:
			_fail("unknown LOBBYKIT_TEST_ROLE '%s'" % role)


func _on_lobby_created(connect: int, lobby_id: int) -> void:
	_say({"ev": "created", "result": connect, "lobby": str(lobby_id)})
	Steam.setLobbyData(lobby_id, "lobbykit_test", token)


# Announced once the service has the token, so a lobby list asked for after this line finds the lobby.
func _on_lobby_data_update(success: int, lobby_id: int, member_id: int) -> void:
	if role == "host" and not announced and lobby_id == member_id and Steam.getLobbyData(lobby_id, "lobbykit_test") == token:
		announced = true
		_say({"ev": "hosting", "lobby": str(lobby_id), "name": Steam.getLobbyData(lobby_id, "name"), "mode": Steam.getLobbyData(lobby_id, "mode")})


# The tutorial made one button per lobby; the player clicks the first.
func _on_lobby_match_list(lobbies: Array) -> void:
	var ids := []
	for id in lobbies:
		ids.append(str(id))
	_say({"ev": "listed", "lobbies": ids})
	if lobbies.empty():
		_fail("the filtered lobby list is empty")
		return
	call_deferred("_click", "Lobby Panel/Panel/Scroll/VBox/lobby_" + str(lobbies[0]))


func _click(path: String) -> void:
	var button = lobby.get_node(path)
	_say({"ev": "click", "button": button.text})
	button.emit_signal("pressed")


func _on_lobby_joined(lobby_id: int, _permissions: int, locked: bool, response: int) -> void:
	_say({"ev": "joined", "lobby": str(lobby_id), "response": response, "locked": locked})
	call_deferred("_after_change")


func _on_lobby_chat_update(lobby_id: int, changed_id: int, making_change_id: int, chat_state: int) -> void:
	_say({"ev": "chat_update", "lobby": str(lobby_id), "changed": str(changed_id), "by": str(making_change_id),
		"state": chat_state, "name": Steam.getFriendPersonaName(changed_id)})
	call_deferred("_after_change")


func _on_lobby_message(lobby_id: int, user: int, message: String, chat_type: int) -> void:
	_say({"ev": "chat", "lobby": str(lobby_id), "from": str(user), "text": message, "type": chat_type})
	if user != lobby.STEAM_ID:
		chats[user] = true
	call_deferred("_after_change")


func _on_packet_read(sender: int, readable: Dictionary) -> void:
	if readable.get("message") == "handshake":
		handshakes[sender] = true
		_say({"ev": "handshake", "from": str(sender), "claimed": str(readable.get("from"))})
	else:
		packets[sender] = true
		_say({"ev": "packet", "from": str(sender), "hex": var2bytes(readable).hex_encode()})
	call_deferred("_after_change")


func _on_session_fail(remote_id: int, session_error: int) -> void:
	fails[remote_id] = true
	_say({"ev": "session_fail", "remote": str(remote_id), "error": session_error,
		"state": Steam.getP2PSessionState(remote_id).get("connection_active", false)})
	call_deferred("_after_change")


# Runs after the tutorial's own handlers have updated LOBBY_MEMBERS.
func _after_change() -> void:
	if left:
		return
	var members := []
	var others := []
	for member in lobby.LOBBY_MEMBERS:
		members.append({"id": str(member["steam_id"]), "name": member["steam_name"]})
		if member["steam_id"] != lobby.STEAM_ID:
			others.append(member["steam_id"])
			met[member["steam_id"]] = true
	_say({"ev": "members", "members": members})
	if not sent and lobby.LOBBY_ID > 0 and others.size() + 1 >= players and _all_in(others, handshakes):
		sent = true
		var message := {"message": "hello", "from": lobby.STEAM_ID, "role": role, "big": 9007199254740993, "list": [1, "two", 3.5], "text": chat_text}
		lobby._send_P2P_Packet(0, message)
		_say({"ev": "sent", "hex": var2bytes(message).hex_encode()})
		lobby.get_node("Chat").text = chat_text
		lobby._on_Send_Chat_pressed()
	var heard_all := sent and not met.empty() and _all_in(met.keys(), packets) and _all_in(met.keys(), chats)
	# The host leaves last, once everyone else has left and quit (their sessions failed), so it sees both.
	if heard_all and (role != "host" or (others.empty() and _all_in(met.keys(), fails))):
		_leave()


func _leave() -> void:
	left = true
	var before := {}
	for id in met:
		before[str(id)] = Steam.getP2PSessionState(id).get("connection_active", false)
	lobby._leave_Lobby()
	var after := {}
	for id in met:
		after[str(id)] = Steam.getP2PSessionState(id).get("connection_active", false)
	_say({"ev": "left", "before": before, "after": after, "lobby_id": str(lobby.LOBBY_ID)})
	get_tree().quit(0)


func _all_in(ids: Array, seen: Dictionary) -> bool:
	for id in ids:
		if not seen.has(id):
			return false
	return true


func _fail(why: String) -> void:
	_say({"ev": "fail", "why": why})
	get_tree().quit(1)


func _say(what: Dictionary) -> void:
	print("LK " + to_json(what))
