import { defineHeraldProject } from '../../vitest.shared.js';

export default defineHeraldProject('sqlite');
