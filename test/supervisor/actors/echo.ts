/**
 * The smallest useful actor: answers `append` with the event it was given. Used by the IPC
 * benchmark (bench/ipc.ts) and the runtime tests. Run directly, it does nothing.
 */
import * as v from 'valibot';
import { defineActor } from '../../../actors/runtime.js';

export default defineActor({
  input: v.unknown(),
  start() {
    return {
      async handle(body) {
        return body.type === 'append' ? { tag: 'ok', value: body.event } : { tag: 'fail', code: 'unsupported', message: body.type };
      },
    };
  },
});
