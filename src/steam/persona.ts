/** Steam's friends vocabulary lobbykit uses: persona change flags and the name of a persona not yet known. */

/** EPersonaChange flag for a name change. */
export const PERSONA_CHANGE_NAME = 0x1;

/** Steam's answer for a persona it has not sent us yet. */
export const UNKNOWN_PERSONA_NAME = '[unknown]';
