-- The language a user picked on their profile page; NULL: follow the browser's Accept-Language.
ALTER TABLE users ADD COLUMN locale TEXT CHECK (locale IN ('pl', 'en'));
