# A game that tries to speak as someone else, for test/godot3-shim.test.ts (run with `-s impostor.gd`): it joins
# the observer's lobby through the shim, sends one honest packet, then writes on the shim's own socket what a
# modified shim could send — a packet and a lobby chat line whose headers name the victim as sender, and a control
# request carrying the victim's id — and ends with an honest chat line. It quits when that line comes back, by which
# time the service has answered everything before it.
#   LOBBYKIT_TEST_OBSERVER, LOBBYKIT_TEST_VICTIM, LOBBYKIT_TEST_LOBBY: Steam IDs as decimal strings.
extends SceneTree

var steam
var lobby := 0
var observer := 0
var victim := 0


func _initialize() -> void:
	steam = root.get_node("Steam")  # the autoload; its global name is not known to a -s script
	var init: Dictionary = steam.steamInit(true, 0, true)  # embed_callbacks: the shim runs its callbacks each frame
	_say({"ev": "ready", "id": str(steam.getSteamID()), "status": init["status"]})
	observer = int(OS.get_environment("LOBBYKIT_TEST_OBSERVER"))
	victim = int(OS.get_environment("LOBBYKIT_TEST_VICTIM"))
	lobby = int(OS.get_environment("LOBBYKIT_TEST_LOBBY"))
	steam.connect("lobby_joined", self, "_on_lobby_joined")
	steam.connect("lobby_message", self, "_on_lobby_message")
	steam.joinLobby(lobby)
	create_timer(20.0).connect("timeout", self, "_give_up")


func _on_lobby_joined(lobby_id: int, _permissions: int, _locked: bool, response: int) -> void:
	_say({"ev": "joined", "lobby": str(lobby_id), "response": response})
	steam.sendP2PPacket(observer, "honest".to_utf8(), steam.P2P_SEND_RELIABLE, 0)
	var peer = steam._client.get_peer(1)
	var packet := StreamPeerBuffer.new()
	packet.put_u8(steam.FRAME_PACKET)
	packet.put_u8(steam.P2P_SEND_RELIABLE)
	packet.put_u32(0)
	packet.put_u64(victim)
	packet.put_u64(observer)
	packet.put_data("forged".to_utf8())
	peer.set_write_mode(WebSocketPeer.WRITE_MODE_BINARY)
	peer.put_packet(packet.data_array)
	var chat := StreamPeerBuffer.new()
	chat.put_u8(steam.FRAME_CHAT)
	chat.put_u64(victim)
	chat.put_u64(lobby)
	chat.put_data("forged chat".to_utf8())
	peer.put_packet(chat.data_array)
	peer.set_write_mode(WebSocketPeer.WRITE_MODE_TEXT)
	peer.put_packet(to_json({"op": "setLobbyMemberData", "lobbyId": str(lobby), "key": "k", "value": "forged", "from": str(victim)}).to_utf8())
	steam.sendLobbyChatMsg(lobby, "done")
	_say({"ev": "forged"})


func _on_lobby_message(_lobby_id: int, user: int, message: String, _chat_type: int) -> void:
	_say({"ev": "chat", "from": str(user), "text": message})
	if user == steam.getSteamID() and message == "done":
		quit(0)


func _give_up() -> void:
	_say({"ev": "fail", "why": "no echo of the last chat line within 20 s"})
	quit(1)


func _say(what: Dictionary) -> void:
	print("LK " + to_json(what))
