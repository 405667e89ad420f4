# The Godot 4 shim's rules at the edges, for test/godot4-shim.test.ts (the main script of a pack of its own) against
# a lobbykit backend peer: a join of lobby 0, names, refused sends, packets held until the session is accepted, empty
# and "no delay" packets dropped, truncated reads, GodotSteam 4's packet keys, what a lost service looks like, and a
# web export starting over with no service to reach. Callbacks are embedded (steamInitEx's embed_callbacks), so
# nothing here calls run_callbacks. Prints `LK <json>` lines.
#   Start arguments: the peer's Steam ID and the lobby's, as decimal strings.
extends Node

var peer := 0
var lobby := 0
var requests := []


func _ready() -> void:
	var init: Dictionary = Steam.steamInitEx(0, true)
	var args := OS.get_cmdline_args()
	peer = args[0].to_int()
	lobby = args[1].to_int()
	_say({"ev": "init", "status": init["status"], "logged_on": Steam.loggedOn(), "id": str(Steam.getSteamID())})
	get_tree().create_timer(20.0).timeout.connect(_give_up)
	await Steam.steam_server_connected
	Steam.lobby_joined.connect(_on_lobby_joined)
	Steam.lobby_message.connect(_on_lobby_message)
	Steam.p2p_session_request.connect(_on_p2p_session_request)
	Steam.steam_server_disconnected.connect(_on_steam_server_disconnected)
	Steam.lobby_kicked.connect(_on_lobby_kicked)
	_say({"ev": "ready", "id": str(Steam.getSteamID()), "logged_on": Steam.loggedOn()})
	Steam.joinLobby(0)
	Steam.joinLobby(lobby)


func _on_lobby_joined(lobby_id: int, permissions: int, locked: bool, response: int) -> void:
	_say({"ev": "joined", "lobby": str(lobby_id), "permissions": permissions, "locked": locked, "response": response})
	if lobby_id != lobby:
		return
	var members := []
	for i in range(Steam.getNumLobbyMembers(lobby)):
		members.append(str(Steam.getLobbyMemberByIndex(lobby, i)))
	var big := PackedByteArray()
	big.resize(Steam.MAX_UNRELIABLE_BYTES + 1)
	_say({"ev": "lobby", "members": members, "owner": str(Steam.getLobbyOwner(lobby)), "limit": Steam.getLobbyMemberLimit(lobby),
		"peer_name": Steam.getFriendPersonaName(peer), "stranger_name": Steam.getFriendPersonaName(12345),
		"refused": [
			Steam.sendP2PPacket(peer, big, Steam.P2P_SEND_UNRELIABLE, 0),
			Steam.sendP2PPacket(Steam.getSteamID(), PackedByteArray([1]), Steam.P2P_SEND_RELIABLE, 0),
			Steam.sendP2PPacket(peer, PackedByteArray([1]), 7, 0),
			Steam.sendP2PPacket(peer, PackedByteArray([1]), Steam.P2P_SEND_RELIABLE, -1),
			Steam.setLobbyData(lobby, "k", "v"),
		]})
	Steam.sendLobbyChatMsg(lobby, "ready")


func _on_p2p_session_request(remote_steam_id: int) -> void:
	requests.append(str(remote_steam_id))


func _on_lobby_message(_lobby_id: int, user: int, message: String, _chat_type: int) -> void:
	if user != peer or message != "sent":
		return
	var held := [Steam.getAvailableP2PPacketSize(0), Steam.getAvailableP2PPacketSize(5), Steam.getP2PSessionState(peer).is_empty()]
	Steam.acceptP2PSessionWithUser(peer)
	var released := [Steam.getAvailableP2PPacketSize(0), Steam.getAvailableP2PPacketSize(5)]
	var first: Dictionary = Steam.readP2PPacket(Steam.getAvailableP2PPacketSize(0), 0)
	var cut: Dictionary = Steam.readP2PPacket(1, 5)
	_say({"ev": "packets", "requests": requests, "held": held, "released": released,
		"first": {"data": first["data"].get_string_from_utf8(), "remote_steam_id": str(first["remote_steam_id"]), "keys": first.keys()},
		"cut": cut["data"].get_string_from_utf8(), "then": Steam.readP2PPacket(64, 0).is_empty(), "dropped": Steam.getDroppedP2PPackets(),
		"active": Steam.getP2PSessionState(peer)["connection_active"]})
	Steam.sendLobbyChatMsg(lobby, "checked")


func _on_steam_server_disconnected() -> void:
	_say({"ev": "disconnected", "logged_on": Steam.loggedOn()})


# Lost, then kicked; then the game starts over, and finds no service.
func _on_lobby_kicked(lobby_id: int, admin_id: int, due_to_disconnect: int) -> void:
	_say({"ev": "kicked", "lobby": str(lobby_id), "admin": str(admin_id), "due_to_disconnect": due_to_disconnect, "members": Steam.getNumLobbyMembers(lobby_id)})
	var again: Dictionary = Steam.steamInitEx(0, true)
	Steam.steam_server_connect_failed.connect(_on_connect_failed.bind(again))


func _on_connect_failed(result: int, retrying: bool, again: Dictionary) -> void:
	_say({"ev": "unreachable", "init": again, "result": result, "retrying": retrying, "logged_on": Steam.loggedOn(),
		"id": str(Steam.getSteamID()), "init_result": Steam.get_steam_init_result()})
	get_tree().quit(0)


func _give_up() -> void:
	_say({"ev": "fail", "why": "not done within 20 s"})
	get_tree().quit(1)


func _say(what: Dictionary) -> void:
	print("LK " + JSON.stringify(what))
