// @ts-check
import { asyncHandler } from '@annex/host/builtins-support';

/** `/auth/login|refresh|logout` with Directus's JSON shapes (tokens in the body, `mode: json`). */
export default {
  id: 'auth',
  handler(router, context) {
    const auth = context.kernel.auth;
    router.post(
      '/login',
      asyncHandler(async (req, res) => {
        const body = req.body ?? {};
        res.json({ data: await auth.login(body.email, body.password, req.ip) });
      }),
    );
    router.post(
      '/refresh',
      asyncHandler(async (req, res) => {
        res.json({ data: await auth.refresh(req.body?.refresh_token, req.ip) });
      }),
    );
    router.post(
      '/logout',
      asyncHandler(async (req, res) => {
        await auth.logout(req.body?.refresh_token);
        res.status(204).end();
      }),
    );
  },
};
