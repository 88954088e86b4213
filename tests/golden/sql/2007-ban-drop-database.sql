DROP DATABASE "staging";
