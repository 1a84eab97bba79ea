import type { Region } from './schema';

export const regions: Region[] = [
  {
    id: 'lagos',
    displayName: 'Lagos',
    country: 'Nigeria',
    continent: 'Africa',
  },
  {
    id: 'johannesburg',
    displayName: 'Johannesburg',
    country: 'South Africa',
    continent: 'Africa',
  },
  {
    id: 'frankfurt',
    displayName: 'Frankfurt',
    country: 'Germany',
    continent: 'Europe',
  },
  {
    id: 'ashburn',
    displayName: 'Ashburn',
    country: 'United States',
    continent: 'North America',
  },
  {
    id: 'singapore',
    displayName: 'Singapore',
    country: 'Singapore',
    continent: 'Asia',
  },
];
