# The shim's rules at the edges, for test/godot3-shim.test.ts (run with `-s probe.gd`) against a lobbykit backend
# peer: a join of lobby 0, names, refused sends, packets held until the session is accepted, empty and "no delay"
# packets dropped, truncated reads, both sender keys, and what a lost service looks like. Prints `LK <json>` lines.
#   LOBBYKIT_TEST_PEER, LOBBYKIT_TEST_LOBBY: Steam IDs as decimal strings.
extends SceneTree

var steam
var peer := 0
var lobby := 0
var requests := []


func _initialize() -> void:
	steam = root.get_node("Steam")
	steam.steamInit(true, 0, true)
	peer = int(OS.get_environment("LOBBYKIT_TEST_PEER"))
	lobby = int(OS.get_environment("LOBBYKIT_TEST_LOBBY"))
	steam.connect("lobby_joined", self, "_on_lobby_joined")
	steam.connect("lobby_message", self, "_on_lobby_message")
	steam.connect("p2p_session_request", self, "_on_p2p_session_request")
	steam.connect("steam_server_disconnected", self, "_on_steam_server_disconnected")
	steam.connect("lobby_kicked", self, "_on_lobby_kicked")
	_say({"ev": "ready", "id": str(steam.getSteamID())})
	steam.joinLobby(0)
	steam.joinLobby(lobby)
	create_timer(20.0).connect("timeout", self, "_give_up")


func _on_lobby_joined(lobby_id: int, permissions: int, locked: bool, response: int) -> void:
	_say({"ev": "joined", "lobby": str(lobby_id), "permissions": permissions, "locked": locked, "response": response})
	if lobby_id != lobby:
		return
	var members := []
	for i in range(steam.getNumLobbyMembers(lobby)):
		members.append(str(steam.getLobbyMemberByIndex(lobby, i)))
	var big := PoolByteArray()
	big.resize(steam.MAX_UNRELIABLE_BYTES + 1)
	_say({"ev": "lobby", "members": members, "owner": str(steam.getLobbyOwner(lobby)), "limit": steam.getLobbyMemberLimit(lobby),
		"peer_name": steam.getFriendPersonaName(peer), "stranger_name": steam.getFriendPersonaName(12345),
		"refused": [
			steam.sendP2PPacket(peer, big, steam.P2P_SEND_UNRELIABLE, 0),
			steam.sendP2PPacket(steam.getSteamID(), PoolByteArray([1]), steam.P2P_SEND_RELIABLE, 0),
			steam.sendP2PPacket(peer, PoolByteArray([1]), 7, 0),
			steam.sendP2PPacket(peer, PoolByteArray([1]), steam.P2P_SEND_RELIABLE, -1),
			steam.setLobbyData(lobby, "k", "v"),
		]})
	steam.sendLobbyChatMsg(lobby, "ready")


func _on_p2p_session_request(remote_steam_id: int) -> void:
	requests.append(str(remote_steam_id))


func _on_lobby_message(_lobby_id: int, user: int, message: String, _chat_type: int) -> void:
	if user != peer or message != "sent":
		return
	var held := [steam.getAvailableP2PPacketSize(0), steam.getAvailableP2PPacketSize(5), steam.getP2PSessionState(peer).empty()]
	steam.acceptP2PSessionWithUser(peer)
	var released := [steam.getAvailableP2PPacketSize(0), steam.getAvailableP2PPacketSize(5)]
	var first: Dictionary = steam.readP2PPacket(steam.getAvailableP2PPacketSize(0), 0)
	var cut: Dictionary = steam.readP2PPacket(1, 5)
	_say({"ev": "packets", "requests": requests, "held": held, "released": released,
		"first": {"data": first["data"].get_string_from_utf8(), "steam_id_remote": str(first["steam_id_remote"]), "remote_steam_id": str(first["remote_steam_id"])},
		"cut": cut["data"].get_string_from_utf8(), "then": steam.readP2PPacket(64, 0).empty(), "dropped": steam.getDroppedP2PPackets(),
		"active": steam.getP2PSessionState(peer)["connection_active"]})
	steam.sendLobbyChatMsg(lobby, "checked")


func _on_steam_server_disconnected() -> void:
	_say({"ev": "disconnected", "logged_on": steam.loggedOn()})


func _on_lobby_kicked(lobby_id: int, admin_id: int, due_to_disconnect: int) -> void:
	_say({"ev": "kicked", "lobby": str(lobby_id), "admin": str(admin_id), "due_to_disconnect": due_to_disconnect, "members": steam.getNumLobbyMembers(lobby_id)})
	quit(0)


func _give_up() -> void:
	_say({"ev": "fail", "why": "not done within 20 s"})
	quit(1)


func _say(what: Dictionary) -> void:
	print("LK " + to_json(what))
