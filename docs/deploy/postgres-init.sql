-- Run once by the postgres image on an empty volume: the conversations' database.
CREATE DATABASE rasa_tracker OWNER onboarding;
