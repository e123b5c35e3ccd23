import { log } from 'directus:api';
import { defineSandboxEndpoint } from '@annex/sdk-extension';

// Runs in the sandbox: handlers get plain request data and return {status, headers?, body}.
export default defineSandboxEndpoint((router) => {
	router.get('/', () => ({ status: 200, body: { hello: '__ID__' } }));

	router.post('/echo', (req) => {
		log(`echo from ${req.accountability?.user ?? 'anonymous'}`);
		return { status: 201, headers: { 'x-echo': 'yes' }, body: req.body };
	});
});
