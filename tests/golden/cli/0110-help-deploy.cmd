help deploy
