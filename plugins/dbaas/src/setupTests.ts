import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The whole test command runs these beside the backend's integration suites on
// two cores: rendering thousands of rows in jsdom can take several seconds
// there. The limits are about hung tests, not speed (bench/ measures that).
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
