// docs/godot.md's example, as written there (test/godot3-play.test.ts keeps the two the same and runs this file
// against the GodotSteam tutorial's own script in Godot 3): a Node player joins a Godot game's lobby, says hello
// with a Dictionary and a chat line, prints what the game sends back, then leaves.
import { createLobbyRuntime, createLoopbackBackend } from 'lobbykit';

const backend = await createLoopbackBackend({ url: process.env.LOBBYKIT_URL ?? 'ws://127.0.0.1:27015', name: 'Node player' });
const runtime = createLobbyRuntime({ backend });
const stopTicking = runtime.startAutoTick(60); // reads the service, runs the sessions, delivers messages

// Find the game's lobby as the tutorial's lobby list does: by the lobby data its host sets.
const found = await runtime.findLobbies({ strings: [{ key: 'mode', value: 'GodotSteam test' }] });
if (!found.ok || found.lobbies.length === 0) throw new Error('no GodotSteam lobby: start the game and host one first');
const joined = await runtime.joinLobby(found.lobbies[0]!.lobbyId);
if (!joined.ok) throw new Error(joined.error.reason);
console.log(`joined lobby ${joined.lobbyId}`);

// Once the handshakes are done, say hello: a Dictionary (the tutorial reads channel 0) and a chat line.
let greeted = false;
runtime.allConnected$.subscribe((connected) => {
  if (!connected || greeted) return;
  greeted = true;
  runtime.send('all', { message: 'hello', from: runtime.selfId }, { channel: 0 });
  runtime.sendChat('hello from Node');
});

// The game's Dictionaries arrive as plain objects (64-bit ints as bigints), its chat lines as text.
await new Promise<void>((resolve) => {
  let heard = 0;
  runtime.messages(0).subscribe(({ from, value }) => {
    console.log(`${backend.personaName(from)} sent`, value);
    if (++heard === 2) resolve();
  });
  runtime.chat$.subscribe(({ from, name, text }) => {
    if (from === runtime.selfId) return;
    console.log(`${name} says: ${text}`);
    if (++heard === 2) resolve();
  });
});
stopTicking();
runtime.dispose(); // leaves the lobby, closing its sessions
await backend.close();
