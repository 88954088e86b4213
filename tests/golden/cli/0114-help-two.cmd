help lint deploy
