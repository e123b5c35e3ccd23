// @ts-check
import { ref } from 'vue';
import { codedError } from './coded-error.js';

/**
 * A step a user starts (a save, a delete) as the small panels show it: `busy` while it runs, its
 * failure as `error` (`{code, message}`, cleared when the next one starts), and `after` (a reload)
 * once it succeeded.
 * @param {() => unknown} [after]
 */
export function useAttempt(after) {
  const busy = ref(false);
  /** @type {import('vue').Ref<{ code: string, message: string } | null>} */
  const error = ref(null);
  /** @param {() => unknown} action */
  async function run(action) {
    busy.value = true;
    error.value = null;
    try {
      await action();
      await after?.();
    } catch (e) {
      error.value = codedError(e);
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
